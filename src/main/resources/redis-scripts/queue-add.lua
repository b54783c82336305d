-- Puts an entry in a work queue (or moves it back there): due at ARGV[2], its payload kept beside it, its attempts
-- counted afresh. Queueing again what is already queued only moves its next attempt.
-- KEYS[1] due (zset id -> due ms), KEYS[2] payloads (hash), KEYS[3] attempts (hash)
-- ARGV[1] id, ARGV[2] due ms, ARGV[3] payload ('' for none)
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
end
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
