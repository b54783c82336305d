-- Records the live code of one person on one device and returns the one it replaces (to be killed) — only while
-- the account may show that person's code: its activated person, or a family member it holds. Checking in the
-- same step as recording means a binding that ends meanwhile either refuses the code here or finds it recorded
-- and kills it.
-- KEYS[1] the account's current-codes hash, KEYS[2] its activation (hash), KEYS[3] its proxies (hash)
-- ARGV[1] field (person|device), ARGV[2] new code, ARGV[3] ttl ms, ARGV[4] the code's person
-- Returns {1, replaced code or false}, or {0} when refused.
local active = redis.call('HGET', KEYS[2], 'psn')
if not active or (active ~= ARGV[4] and redis.call('HEXISTS', KEYS[3], ARGV[4]) == 0) then
  return {0}
end
local old = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, old}
