-- Creates a session and enforces the device limit, atomically. All keys share the account's hash tag, and every
-- session key is declared: the caller read the index first and lists its sessions.
-- KEYS[1] the account's session index (zset sid -> created ms), KEYS[2] the new session's key,
-- KEYS[3..] per listed sid: its session key, then its used-refresh-hashes key
-- ARGV[1] sid, ARGV[2] now ms, ARGV[3] idle ms, ARGV[4] absolute expiry ms (epoch), ARGV[5] max devices,
-- ARGV[6] n = the number of listed sids, ARGV[7..6+n] the listed sids, then field/value pairs of the session
-- Sessions created since the index was read are not listed; they are newer than the listed ones, so only when one
-- of them would have to be signed out is the answer 'RETRY' (read the index again), before the session is written.
-- Returns the sids signed out to make room, or 'RETRY'.
local n = tonumber(ARGV[6])
local listed = {}
for j = 1, n do
  listed[ARGV[6 + j]] = j
end
local live = 0
for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local j = listed[sid]
  if j and redis.call('EXISTS', KEYS[1 + 2 * j]) == 0 then
    redis.call('ZREM', KEYS[1], sid)
  else
    live = live + 1
  end
end
local excess = live + 1 - tonumber(ARGV[5])
if excess > 0 then
  for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, excess - 1)) do
    if not listed[sid] then
      return 'RETRY'
    end
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
if excess > 0 then
  for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    if #evicted == excess then
      break
    end
    -- the oldest listed ones (checked above); never the new session itself
    local j = listed[sid]
    if j then
      redis.call('DEL', KEYS[1 + 2 * j], KEYS[2 + 2 * j])
      redis.call('ZREM', KEYS[1], sid)
      evicted[#evicted + 1] = sid
    end
  end
end
return evicted
