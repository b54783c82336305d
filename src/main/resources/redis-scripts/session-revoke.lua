-- Ends sessions of one account. Every session key is declared.
-- KEYS[1] session index, KEYS[2..] per sid: its session key, then its used-refresh-hashes key
-- ARGV[1] 'all' to end every session (the sids listed are then what the caller read from the index) or 'these',
-- ARGV[2..] the sids
-- Returns the number of sessions that existed and were ended, or 'RETRY' when ending all and the index holds a
-- session that is not listed (it changed since it was read: read it again).
if ARGV[1] == 'all' then
  local listed = {}
  for i = 2, #ARGV do listed[ARGV[i]] = true end
  for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    if not listed[sid] then
      return 'RETRY'
    end
  end
end
local ended = 0
for i = 2, #ARGV do
  ended = ended + redis.call('DEL', KEYS[2 * i - 2])
  redis.call('DEL', KEYS[2 * i - 1])
  redis.call('ZREM', KEYS[1], ARGV[i])
end
return ended
