-- Creates a session and enforces the device limit, atomically. All keys share the account's hash tag.
-- KEYS[1] the account's session index (zset sid -> created ms), KEYS[2] the new session's key
-- ARGV[1] sid, ARGV[2] session key prefix (prefix .. sid = a session key), ARGV[3] now ms, ARGV[4] idle ms,
-- ARGV[5] absolute expiry ms (epoch), ARGV[6] max devices, ARGV[7..] field/value pairs of the session
-- Returns the sids signed out to make room.
local now = tonumber(ARGV[3])
for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if redis.call('EXISTS', ARGV[2] .. sid) == 0 then
    redis.call('ZREM', KEYS[1], sid)
  end
end
local fields = {}
for i = 7, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[5])
local evicted = {}
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[6])
if excess > 0 then
  for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, excess - 1)) do
    redis.call('DEL', ARGV[2] .. sid, ARGV[2] .. sid .. ':used')
    redis.call('ZREM', KEYS[1], sid)
    evicted[#evicted + 1] = sid
  end
end
return evicted
