-- Ends sessions of one account: the given sids, or all of them when none is given.
-- KEYS[1] session index; ARGV[1] session key prefix, ARGV[2..] sids
-- Returns the number of sessions that existed and were ended.
local sids = {}
if #ARGV > 1 then
  for i = 2, #ARGV do sids[#sids + 1] = ARGV[i] end
else
  sids = redis.call('ZRANGE', KEYS[1], 0, -1)
end
local ended = 0
for _, sid in ipairs(sids) do
  ended = ended + redis.call('DEL', ARGV[1] .. sid)
  redis.call('DEL', ARGV[1] .. sid .. ':used')
  redis.call('ZREM', KEYS[1], sid)
end
return ended
