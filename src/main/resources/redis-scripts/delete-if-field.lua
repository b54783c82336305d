-- Deletes hash KEYS[1] only while its field ARGV[1] holds ARGV[2].
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('DEL', KEYS[1])
end
return 0
