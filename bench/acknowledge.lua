-- wrk: acknowledge issued assignments, each once, as the clerk of its unit.
-- Needs bench/out/tokens.lua and bench/out/issued.lua from duban-bench seed.
dofile("bench/out/tokens.lua")
dofile("bench/out/issued.lua")
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
  local item = items[(counter % #items) + 1]
  counter = counter + 2
  wrk.headers["Authorization"] = "Bearer " .. tokens[item[2]]
  wrk.headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/api/v1/assignments/" .. item[1] .. "/acknowledge", nil, "{}")
end
