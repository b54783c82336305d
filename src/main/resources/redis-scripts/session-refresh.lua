-- Rotates a session's refresh token. A token that was already used revokes the session: either its owner or a
-- thief holds a copy, and we cannot tell which.
-- KEYS[1] session key, KEYS[2] used refresh hashes (set), KEYS[3] the account's session index
-- ARGV[1] presented hash, ARGV[2] new hash, ARGV[3] now ms, ARGV[4] idle ms, ARGV[5] sid
-- Returns 1 rotated, 0 unknown or expired session, -1 reuse detected (session revoked)
local s = redis.call('HMGET', KEYS[1], 'rh', 'abs')
if not s[1] then
  return 0
end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('ZREM', KEYS[3], ARGV[5])
  return -1
end
if s[1] ~= ARGV[1] then
  return 0
end
local now = tonumber(ARGV[3])
local left = tonumber(s[2]) - now
if left <= 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('ZREM', KEYS[3], ARGV[5])
  return 0
end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'rh', ARGV[2], 'ls', ARGV[3])
local ttl = math.min(tonumber(ARGV[4]), left)
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIREAT', KEYS[2], tonumber(s[2]))
return 1
