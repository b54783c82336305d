-- The per-request check: one round trip that confirms the session lives, spends the resident's budgets
-- (per account, all its sessions together, and per session: buckets_decide, token-bucket.lua), slides the idle
-- timeout and returns what the request needs, including the account's profile. Every key has the account's tag.
-- The budgets live in fields of the hashes this script reads anyway ('tb' of the profile for the account, 'tb' of
-- the session for the session), so the check is six Redis calls, not nine.
-- KEYS[1] session key, KEYS[2] the account's profile key
-- ARGV[1] now ms, ARGV[2] idle ms, ARGV[3] account limit, ARGV[4] its window ms, ARGV[5] session limit,
-- ARGV[6] its window ms
-- Returns nil when the session is gone or past its absolute lifetime; {'RATE_LIMITED', retry-after ms} when over a
-- budget (nothing spent, nothing slid); else
-- {account, step-up-until ms, device, phone, created ms, psn (or false), bound ms (or false), /me copy (or false),
-- /me copy generation}
local s = redis.call('HMGET', KEYS[1], 'acct', 'abs', 'su', 'dev', 'tb')
if not s[1] then
  return nil
end
if tonumber(s[2]) <= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return nil
end
local p = redis.call('HMGET', KEYS[2], 'phone', 'createdAt', 'psn', 'boundAt', 'meCopy', 'meGen', 'tb')
local allowed, retry, _, tats = buckets_decide({{KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4]), false, p[7]},
  {KEYS[1], tonumber(ARGV[5]), tonumber(ARGV[6]), false, s[5]}}, bucket_now())
if allowed == 0 then
  return {'RATE_LIMITED', retry}
end
redis.call('HSET', KEYS[2], 'tb', bucket_tat_text(tats[1]))
redis.call('HSET', KEYS[1], 'ls', ARGV[1], 'tb', bucket_tat_text(tats[2]))
redis.call('PEXPIRE', KEYS[1], math.min(tonumber(ARGV[2]), tonumber(s[2]) - tonumber(ARGV[1])))
return {s[1], s[3] or '0', s[4] or '', p[1] or '', p[2] or '0', p[3] or false, p[4] or false, p[5] or false, p[6] or '0'}
