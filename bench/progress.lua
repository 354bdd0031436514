-- wrk: progress reports on open assignments, as the clerk of each unit.
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
  wrk.headers["Authorization"] = "Bearer " .. tokens[item[2]]
  wrk.headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/api/v1/assignments/" .. item[1] .. "/reports", nil,
    '{"kind":"progress","text":"已完成阶段性工作，正在推进。","percent":50}')
end
