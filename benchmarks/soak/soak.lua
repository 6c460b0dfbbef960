-- wrk script: the soak's mixed load over keep-alive connections.
--
-- Per request, chosen at random:
--   ~60%  POST /v1/evaluate                 varied attempts, as evaluate.lua
--   ~15%  POST /v1/events/{id}/outcome      an event id from an earlier evaluate
--   ~10%  GET  /v1/users/{user}/events?limit=20
--   ~10%  POST /v1/challenges/{id}/verify   a challenge id from an earlier
--                                           challenge decision, a wrong code
--    ~5%  GET  /range/{5 hex digits}
-- An outcome or verify with no id captured yet is an evaluate instead.
--
-- Ids come from the answers, read in response() into bounded queues (one per
-- wrk thread). Each event id gets at most one outcome (a second one is a 409
-- by design), so the evaluations carry no inline outcome: the outcome comes
-- later, through the outcome route, for about a quarter of them (the rest
-- stay "in progress", like abandoned sign-ins). Each challenge id is answered
-- at most `verify_per_challenge` times, always with a wrong code (no code is
-- ever sent), so the answer is 200 {"result":"failed"} and, from the
-- policy's max_code_attempts on, {"result":"locked"}.
--
-- Every route answers 200 when all is well; anything else is unexpected. wrk
-- does not tell response() which request an answer belongs to (a thread
-- multiplexes many connections), so answers are attributed by their shape:
-- a decision, an outcome, an event page, a verify result, a text range. An
-- error body does not name its route; it is counted by status and error code
-- (run.sh prints vigild's own per-route status counters from /metrics
-- next to it). done() prints the tallies and exits 1 on any unexpected
-- answer or socket error.
--
-- Environment: VIGIL_API_KEY (scopes evaluate, mfa, admin), SOAK_MFA_EVERY
-- (run.sh set up SMS for users whose number is a multiple of this; only
-- informative here).

local key = os.getenv("VIGIL_API_KEY") or ""
local pool_size = 20000
local queue_size = 4096
local verify_per_challenge = 3

local p_outcome, p_history, p_verify, p_range = 0.15, 0.10, 0.10, 0.05

-- The attempts (users, addresses, browsers, event types), as evaluate.lua.
local attempts = dofile(
  (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") ..
  "../http/attempts.lua")

-- SHA-1s of passwords: two in every breach corpus ("password", "123456"),
-- the rest random (not found).
local breached_sha1 = {
  "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8",
  "7C4A8D09CA3762AF61E59520943DC26494F8941B",
}

local function password()
  local r = math.random()
  if r < 0.02 then
    return string.format(',"password_sha1":"%s"', breached_sha1[math.random(#breached_sha1)])
  end
  if r < 0.30 then
    local h = {}
    for i = 1, 5 do h[i] = string.format("%08X", math.random(0, 0x7fffffff) * 2) end
    return string.format(',"password_sha1":"%s"', table.concat(h))
  end
  return ""
end

-- A FIFO of ids, bounded: when full, the oldest is dropped (never reused).
local function new_queue()
  return {head = 1, tail = 1, n = 0, items = {}}
end

local function push(q, v)
  if q.n == queue_size then
    q.items[q.head] = nil
    q.head = q.head % queue_size + 1
    q.n = q.n - 1
  end
  q.items[q.tail] = v
  q.tail = q.tail % queue_size + 1
  q.n = q.n + 1
end

local function pop(q)
  if q.n == 0 then return nil end
  local v = q.items[q.head]
  q.items[q.head] = nil
  q.head = q.head % queue_size + 1
  q.n = q.n - 1
  return v
end

local evaluations = {}
local counter = 0
local event_ids = new_queue()
local challenges = new_queue()   -- {id, uses}
local post_headers, get_headers, range_headers, padded_headers

-- Tallies of this thread, read by done() through thread:get(). Flat tables
-- of numbers: wrk copies them between Lua states.
sent = {}         -- route -> requests sent
answered = {}     -- route -> expected answers (200 of the route's shape)
unexpected = {}   -- "status what" -> count
decisions = {}    -- allow / challenge / block
verify_results = {}  -- failed / locked / expired / passed
captured = {event_ids = 0, challenges = 0, fallback_outcome = 0, fallback_verify = 0}

local function inc(t, k, n)
  t[k] = (t[k] or 0) + (n or 1)
end

-- The wrk threads, kept by setup() in the main Lua state for done().
threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8), 16) or 0))
  post_headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. key,
  }
  get_headers = {["Authorization"] = "Bearer " .. key}
  range_headers = {}
  padded_headers = {["Add-Padding"] = "true"}  -- as Pwned Passwords clients send
  for i = 1, pool_size do
    local body = attempts.body(password())
    evaluations[i] = wrk.format("POST", "/v1/evaluate", post_headers, body)
  end
end

local function evaluate()
  counter = counter + 1
  if counter > pool_size then counter = 1 end
  inc(sent, "evaluate")
  return evaluations[counter]
end

function request()
  local r = math.random()
  if r < p_outcome then
    local id = pop(event_ids)
    if id == nil then
      inc(captured, "fallback_outcome")
      return evaluate()
    end
    inc(sent, "outcome")
    local body = math.random() < 0.75 and '{"outcome":"success"}' or '{"outcome":"failure"}'
    return wrk.format("POST", "/v1/events/" .. id .. "/outcome", post_headers, body)
  end
  r = r - p_outcome
  if r < p_history then
    inc(sent, "history")
    return wrk.format("GET", string.format("/v1/users/user-%d/events?limit=20",
                                           math.random(attempts.users)), get_headers)
  end
  r = r - p_history
  if r < p_verify then
    local c = pop(challenges)
    if c == nil then
      inc(captured, "fallback_verify")
      return evaluate()
    end
    c.uses = c.uses + 1
    if c.uses < verify_per_challenge then push(challenges, c) end
    inc(sent, "verify")
    return wrk.format("POST", "/v1/challenges/" .. c.id .. "/verify", post_headers,
                      string.format('{"code":"%06d"}', math.random(0, 999999)))
  end
  r = r - p_verify
  if r < p_range then
    inc(sent, "range")
    return wrk.format("GET", string.format("/range/%05X", math.random(0, 0xFFFFF)),
                      math.random() < 0.5 and padded_headers or range_headers)
  end
  return evaluate()
end

function response(status, headers, body)
  if status == 200 then
    local id, decision = string.match(body, '^{"event_id":"([^"]+)","decision":"(%a+)"')
    if id ~= nil then
      inc(answered, "evaluate")
      inc(decisions, decision)
      push(event_ids, id)
      inc(captured, "event_ids")
      if decision == "challenge" then
        local cid = string.match(body, '"challenge":{"id":"([^"]+)"')
        if cid ~= nil then
          push(challenges, {id = cid, uses = 0})
          inc(captured, "challenges")
        else
          inc(unexpected, "200 challenge decision without a challenge id")
        end
      end
      return
    end
    if string.match(body, '^{"event_id":"[^"]+","outcome":"%a+"}$') then
      inc(answered, "outcome")
      return
    end
    if string.sub(body, 1, 11) == '{"events":[' then
      inc(answered, "history")
      return
    end
    local result = string.match(body, '^{"result":"(%a+)"')
    if result ~= nil then
      inc(answered, "verify")
      inc(verify_results, result)
      return
    end
    local ctype = headers["Content-Type"] or headers["content-type"] or ""
    if string.sub(ctype, 1, 10) == "text/plain" then
      inc(answered, "range")
      return
    end
    inc(unexpected, "200 unrecognised body: " .. string.sub(body, 1, 60))
    return
  end
  local code = string.match(body, '^{"error":{"code":"([^"]*)","message":"([^"]*)"')
  local message = string.match(body, '"message":"([^"]*)"') or ""
  inc(unexpected, string.format("%d %s: %s", status, code or "?",
                                string.sub(message, 1, 80)))
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

function done(summary, latency, requests)
  local total = {sent = {}, answered = {}, unexpected = {}, decisions = {},
                 verify_results = {}, captured = {}}
  for _, thread in ipairs(threads) do
    for name, into in pairs(total) do
      local t = thread:get(name) or {}
      for k, v in pairs(t) do
        if type(v) == "number" then inc(into, k, v) end
      end
    end
  end
  local out = io.stdout
  out:write("\n== soak.lua tallies\n")
  out:write(string.format("%-9s %10s %10s\n", "route", "sent", "200 ok"))
  for _, route in ipairs({"evaluate", "outcome", "history", "verify", "range"}) do
    out:write(string.format("%-9s %10d %10d\n", route, total.sent[route] or 0,
                            total.answered[route] or 0))
  end
  local function line(label, t)
    local parts = {}
    for _, k in ipairs(sorted_keys(t)) do parts[#parts + 1] = k .. " " .. t[k] end
    out:write(label .. ": " .. (#parts > 0 and table.concat(parts, ", ") or "none") .. "\n")
  end
  line("decisions", total.decisions)
  line("verify results", total.verify_results)
  line("ids", total.captured)
  out:write(string.format(
    "latency (ms): p50 %.2f, p90 %.2f, p99 %.2f, p99.9 %.2f, max %.2f; mean %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, latency.mean / 1000))
  out:write(string.format("requests %d in %.1f s: %.0f req/s\n", summary.requests,
                          summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
  local e = summary.errors
  out:write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
                          e.connect, e.read, e.write, e.timeout))
  local n_unexpected = 0
  for _, k in ipairs(sorted_keys(total.unexpected)) do
    out:write(string.format("UNEXPECTED %d x %s\n", total.unexpected[k], k))
    n_unexpected = n_unexpected + total.unexpected[k]
  end
  out:write(string.format("unexpected answers: %d\n", n_unexpected))
  out:flush()
  if n_unexpected > 0 or e.connect + e.read + e.write + e.timeout > 0 then
    os.exit(1)
  end
end
