-- Opens a wallet transfer: takes one of the sharer's transfers for the business day and, only when one is left,
-- writes the transfer (PENDING), lists it for the sharer and links it to the request's Idempotency-Key — all or
-- nothing, so a refused transfer leaves no record and takes no slot.
-- KEYS[1] the day's count, KEYS[2] the transfer, KEYS[3] the sharer's list, KEYS[4] the key's link (one tag: the sharer)
-- ARGV[1] transfers per day, ARGV[2] count TTL ms, ARGV[3] record TTL ms, ARGV[4] link TTL ms, ARGV[5] id,
-- ARGV[6] created ms, ARGV[7..] the transfer's field/value pairs
-- Returns 1 when opened, 0 when the day's transfers are spent.
local n = redis.call('INCR', KEYS[1])
if n == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if n > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return 0
end
redis.call('HSET', KEYS[2], unpack(ARGV, 7))
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[6], ARGV[5])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('SET', KEYS[4], ARGV[5], 'PX', ARGV[4])
return 1
