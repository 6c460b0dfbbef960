-- wrk script: POST /v1/evaluate with realistic, varied attempts over
-- keep-alive connections.
--
-- 50,000 users, each with a home address in a public residential range and a
-- home device; 80% of attempts come from home, the rest from anywhere in the
-- same ranges (travel, mobile, attackers), including IPv6. A mix of event
-- types and outcomes, several browsers. Requests are built once per wrk
-- thread in init() and then cycled, so wrk spends its CPU on sending, not on
-- Lua string building.
--
-- Needs VIGIL_API_KEY in the environment (a key with the evaluate scope).

local key = os.getenv("VIGIL_API_KEY") or ""
local pool_size = 20000

-- The attempts (users, addresses, browsers, event types): attempts.lua,
-- beside this file.
local attempts = dofile(
  (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "attempts.lua")

local function outcome()
  local r = math.random()
  if r < 0.70 then return ',"outcome":"success"' end
  if r < 0.80 then return ',"outcome":"failure"' end
  return ""
end

local requests = {}
local counter = 0

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8), 16) or 0))
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. key,
  }
  for i = 1, pool_size do
    local body = attempts.body(outcome())
    requests[i] = wrk.format("POST", "/v1/evaluate", headers, body)
  end
end

function request()
  counter = counter + 1
  if counter > pool_size then counter = 1 end
  return requests[counter]
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("non-2xx responses: %d\n", non2xx))
end
