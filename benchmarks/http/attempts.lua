-- Realistic, varied sign-in attempts for the wrk scripts: evaluate.lua and
-- ../soak/soak.lua load this file with dofile() and build their evaluate
-- bodies with body().
--
-- 50,000 users, each with a home address in a public residential range and a
-- home device; 80% of attempts come from home, the rest from anywhere in the
-- same ranges (travel, mobile, attackers), including IPv6. A mix of event
-- types, several browsers.

local M = {users = 50000}

-- /16 prefixes of large residential and mobile ISPs (Comcast, Charter, BT,
-- Orange, Deutsche Telekom, Telefonica, China Telecom, NTT, Vivo, ...).
local v4_prefixes = {
  "73.15", "73.162", "24.4", "24.130", "98.210", "71.198", "68.47",
  "86.128", "86.160", "81.2", "92.40", "90.200", "2.125", "109.150",
  "84.148", "87.178", "93.199", "79.216", "217.229", "91.64",
  "83.33", "88.6", "95.17", "188.26", "178.19", "5.29", "37.14",
  "89.160", "62.20", "213.89", "175.16", "114.80", "183.14", "58.37",
  "126.78", "60.100", "1.72", "49.176", "101.188", "202.7",
  "177.32", "187.11", "189.6", "201.17", "200.160", "216.160", "67.43",
}
local v6_prefixes = {"2a02:810d", "2003:e2", "2600:1700", "2a01:cb00", "240e:3b7"}

local agents = {
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
}

local function v4(prefix, a, b)
  return string.format("%s.%d.%d", prefix, a % 256, 1 + b % 254)
end

local function home_ip(u)
  return v4(v4_prefixes[1 + u % #v4_prefixes], u * 7, u * 13)
end

local function random_ip()
  if math.random() < 0.1 then
    return string.format("%s:%x:%x::%x", v6_prefixes[math.random(#v6_prefixes)],
                         math.random(0, 65535), math.random(0, 65535),
                         math.random(1, 65535))
  end
  return v4(v4_prefixes[math.random(#v4_prefixes)], math.random(0, 255),
            math.random(0, 255))
end

local function event_type()
  local r = math.random()
  if r < 0.90 then return "sign_in" end
  if r < 0.94 then return "sign_up" end
  if r < 0.97 then return "password_change" end
  return "forgot_password"
end

-- The JSON body of one attempt by a random user. `extra` is appended after
-- the device fingerprint: "" or more fields, each starting with a comma.
function M.body(extra)
  local u = math.random(M.users)
  local at_home = math.random() < 0.8
  local ip = at_home and home_ip(u) or random_ip()
  local agent = agents[1 + (at_home and u or math.random(0, 99)) % #agents]
  return string.format(
    '{"event_type":"%s","user_id":"user-%d","ip":"%s","user_agent":"%s",' ..
    '"device_fingerprint":"fp-%d"%s,"headers":{"accept-language":"en-GB"}}',
    event_type(), u, ip, agent, at_home and u or math.random(1e9), extra)
end

return M
