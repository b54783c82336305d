-- Moves a record (a hash with a status field: settlements, contribution orders) from one status to another,
-- only if it is still in the expected one.
-- KEYS[1] the record; ARGV[1] expected status, ARGV[2] new status, ARGV[3..] extra field/value pairs
-- Returns {1 when moved else 0, field1, value1, ...}: the record as it stands afterwards (no fields when gone),
-- so that the caller needs no second round trip to read it.
local moved = 0
if redis.call('HGET', KEYS[1], 'status') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'status', ARGV[2])
  for i = 3, #ARGV, 2 do
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
  moved = 1
end
local out = {moved}
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do
  out[#out + 1] = v
end
return out
