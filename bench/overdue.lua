-- wrk: the overdue filter across all units (inspector), most overdue first.
local page = 0
request = function()
  page = page % 20 + 1
  return wrk.format("GET", "/api/v1/assignments?overdue=true&sort=due_on&per_page=25&page=" .. page)
end
