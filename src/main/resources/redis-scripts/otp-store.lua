-- Stores a fresh one-time code (replacing any earlier one: only the newest code works).
-- KEYS[1] code key; ARGV[1] code hash, ARGV[2] ttl ms
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'h', ARGV[1], 't', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
