-- One write to KEYS[1] and its TTL in one atomic step, so the key never exists without its TTL.
-- ARGV[1] TTL ms, ARGV[2] the write command, ARGV[3..] its arguments after the key. Returns the write's reply.
local reply = redis.call(ARGV[2], KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return reply
