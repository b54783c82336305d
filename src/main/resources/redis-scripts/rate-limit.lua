-- Token bucket in its GCRA form: one key per subject holding the "theoretical arrival time" (TAT, ms).
-- A budget of LIMIT per WINDOW allows a burst of LIMIT, then one more every WINDOW/LIMIT.
-- Redis' own clock is used so that every gateway instance agrees on time.
-- KEYS[1] bucket key
-- ARGV[1] limit, ARGV[2] window in ms, ARGV[3] "1" to only look (would one more be allowed?) without spending
-- Returns {allowed (1|0), retry-after ms (0 when allowed), remaining}
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local interval = window / limit
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then
  tat = now
end
local new_tat = tat + interval
local allow_at = new_tat - window
if now < allow_at then
  return {0, math.ceil(allow_at - now), 0}
end
if ARGV[3] ~= '1' then
  redis.call('SET', KEYS[1], string.format('%.3f', new_tat), 'PX', math.ceil(new_tat - now))
end
return {1, 0, math.floor((now - allow_at) / interval)}
