-- The per-request session check: one round trip that confirms the session lives, slides its idle timeout and
-- returns what the request needs, including the account's profile (same hash tag as the session).
-- KEYS[1] session key, KEYS[2] the account's profile key; ARGV[1] now ms, ARGV[2] idle ms
-- Returns nil when the session is gone or past its absolute lifetime, else
-- {account, step-up-until ms, device, phone, created ms, psn (or false), bound ms (or false), /me copy (or false),
-- /me copy generation}
local s = redis.call('HMGET', KEYS[1], 'acct', 'abs', 'su', 'dev')
if not s[1] then
  return nil
end
if tonumber(s[2]) <= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return nil
end
redis.call('HSET', KEYS[1], 'ls', ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.min(tonumber(ARGV[2]), tonumber(s[2]) - tonumber(ARGV[1])))
local p = redis.call('HMGET', KEYS[2], 'phone', 'createdAt', 'psn', 'boundAt', 'meCopy', 'meGen')
return {s[1], s[3] or '0', s[4] or '', p[1] or '', p[2] or '0', p[3] or false, p[4] or false, p[5] or false, p[6] or '0'}
