-- Records the live code of one person on one device and returns the one it replaces (to be killed).
-- KEYS[1] the account's current-codes hash; ARGV[1] field (person|device), ARGV[2] new code, ARGV[3] ttl ms
local old = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return old
