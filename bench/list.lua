-- wrk: one unit's open assignments, 25 a page, walking the first pages.
local page = 0
request = function()
  page = page % 20 + 1
  return wrk.format("GET", "/api/v1/assignments?status=issued,acknowledged,in_progress,pending_review,returned&per_page=25&page=" .. page)
end
