-- wrk: the item page (/assignments/{id}: detail, units, history, actions),
-- each item opened by its own unit's clerk.
dofile("bench/out/tokens.lua")
dofile("bench/out/working.lua")
local counter = 0
local threads = {}
setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
init = function(args)
  counter = id
end
request = function()
  local item = items[(counter * 7919 % #items) + 1]
  counter = counter + 2
  wrk.headers["Cookie"] = "duban_session=" .. tokens[item[2]]
  return wrk.format("GET", "/assignments/" .. item[1])
end
