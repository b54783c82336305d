-- Moves a settlement record from one status to another only if it is still in the expected one.
-- KEYS[1] settlement record; ARGV[1] expected status, ARGV[2] new status, ARGV[3..] extra field/value pairs
-- Returns 1 when moved, 0 when the record is in another status (or gone).
if redis.call('HGET', KEYS[1], 'status') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'status', ARGV[2])
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
return 1
