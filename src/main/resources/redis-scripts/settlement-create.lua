-- Creates a settlement record and counts it in its pharmacy's day, in one step (both keys share the pharmacy's tag).
-- KEYS[1] the record, KEYS[2] the pharmacy's totals of the record's business day
-- ARGV[1] TTL ms of both, ARGV[2..] field/value pairs (status among them)
-- Returns 1 created, 0 a record with this id exists already (nothing written).
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
if redis.call('HGET', KEYS[1], 'status') == 'PENDING' then
  redis.call('HINCRBY', KEYS[2], 'open', 1)
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
end
return 1
