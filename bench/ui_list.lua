-- wrk: the clerk's 事项 page (HTML, a unit's items, 25 a page), 16 clerks'
-- sessions in turn, walking the first pages.
dofile("bench/out/tokens.lua")
local n = 0
local threads = {}
setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
init = function(args)
  n = id
end
request = function()
  n = n + 2
  wrk.headers["Cookie"] = "duban_session=" .. tokens[(n % 16) + 1]
  return wrk.format("GET", "/assignments?page=" .. (n % 20 + 1))
end
