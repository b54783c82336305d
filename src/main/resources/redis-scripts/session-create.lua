-- Creates a session and enforces the device limit, atomically. All keys share the account's hash tag, and every
-- session key is declared: the caller read the index first and lists its sessions.
-- KEYS[1] the account's session index (zset sid -> created ms), KEYS[2] the new session's key,
-- KEYS[3..] per listed sid: its session key, then its used-refresh-hashes key
-- ARGV[1] sid, ARGV[2] now ms, ARGV[3] idle ms, ARGV[4] absolute expiry ms (epoch), ARGV[5] max devices,
-- ARGV[6] n = the number of listed sids, ARGV[7..6+n] the listed sids, then field/value pairs of the session
-- Returns the sids signed out to make room, or 'RETRY' when the index holds a session that is not listed (it
-- changed since it was read: read it again).
local n = tonumber(ARGV[6])
local listed = {}
for j = 1, n do
  listed[ARGV[6 + j]] = j
end
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, sid in ipairs(members) do
  if not listed[sid] then
    return 'RETRY'
  end
end
for _, sid in ipairs(members) do
  if redis.call('EXISTS', KEYS[1 + 2 * listed[sid]]) == 0 then
    redis.call('ZREM', KEYS[1], sid)
  end
end
local fields = {}
for i = 7 + n, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
local evicted = {}
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[5])
if excess > 0 then
  for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, excess - 1)) do
    -- the oldest are listed ones, unless clocks put the new one among them
    local j = listed[sid]
    if j then
      redis.call('DEL', KEYS[1 + 2 * j], KEYS[2 + 2 * j])
    else
      redis.call('DEL', KEYS[2])
    end
    redis.call('ZREM', KEYS[1], sid)
    evicted[#evicted + 1] = sid
  end
end
return evicted
