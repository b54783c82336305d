-- The gateway's one token bucket, in its GCRA form: a key per (budget, subject) holding the "theoretical arrival
-- time" (TAT, ms). A budget of LIMIT per WINDOW ms allows a burst of LIMIT, then one more every WINDOW/LIMIT.
-- Not a script of its own: RateLimiter.script puts it in front of every script that spends a budget
-- (rate-limit.lua, and session-touch.lua and terminal-nonce.lua, which spend the caller's budgets in the same step
-- that authenticates them), so the arithmetic exists once. Redis' clock is used so every instance agrees on time.

local function bucket_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Would one more be allowed from a bucket whose stored TAT is STORED (nil: never used) now?
-- allowed (1|0), retry-after ms, remaining, the TAT to store.
local function bucket_check_tat(stored, limit, window, now)
  local interval = window / limit
  local tat = tonumber(stored or now)
  if tat < now then
    tat = now
  end
  local new_tat = tat + interval
  local allow_at = new_tat - window
  if now < allow_at then
    return 0, math.ceil(allow_at - now), 0, new_tat
  end
  return 1, 0, math.floor((now - allow_at) / interval), new_tat
end

-- The same for bucket KEY, a string key of its own.
local function bucket_check(key, limit, window, now)
  return bucket_check_tat(redis.call('GET', key), limit, window, now)
end

-- Several budgets at once, all or nothing, nothing written: each spec is {key, limit, window ms, peek, stored};
-- a spec with a fifth element (the TAT its caller already read, false when none) is a bucket kept in a field of a
-- hash the caller reads and writes itself, the others are string keys read here. Returns allowed (1|0),
-- retry-after ms (the longest wait among the refusing buckets), remaining (the smallest), and the TAT to store
-- for each spec.
local function buckets_decide(specs, now)
  local tats = {}
  local allowed, retry, remaining = 1, 0, nil
  for i, b in ipairs(specs) do
    local ok, wait, left, new_tat
    if b[5] ~= nil then
      ok, wait, left, new_tat = bucket_check_tat(b[5] or nil, b[2], b[3], now)
    else
      ok, wait, left, new_tat = bucket_check(b[1], b[2], b[3], now)
    end
    tats[i] = new_tat
    if ok == 0 then
      allowed = 0
      if wait > retry then
        retry = wait
      end
    end
    if remaining == nil or left < remaining then
      remaining = left
    end
  end
  if allowed == 0 then
    return 0, retry, 0, tats
  end
  return 1, 0, remaining or 0, tats
end

-- The TAT as stored: milliseconds with three decimals.
local function bucket_tat_text(tat)
  return string.format('%.3f', tat)
end

-- Several budgets at once, all or nothing: each spec is {key, limit, window ms, peek}; one is taken from every
-- bucket whose peek is false, and only when every bucket allows it (a refused request spends nothing anywhere).
-- Returns allowed (1|0), retry-after ms (the longest wait among the refusing buckets), remaining (the smallest).
local function buckets_take(specs, now)
  local allowed, retry, remaining, tats = buckets_decide(specs, now)
  if allowed == 0 then
    return 0, retry, 0
  end
  for i, b in ipairs(specs) do
    if not b[4] then
      redis.call('SET', b[1], bucket_tat_text(tats[i]), 'PX', math.ceil(tats[i] - now))
    end
  end
  return 1, 0, remaining
end
