-- Consumes an insurance code atomically: the same code scanned twice, or by two terminals at once, works once.
-- KEYS[1] live code (hash), KEYS[2] used marker; ARGV[1] how long to remember the code was used (ms)
-- Returns the live code's fields (flat list) when consumed, or the string USED or EXPIRED.
local fields = redis.call('HGETALL', KEYS[1])
if #fields > 0 then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
  return fields
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 'USED'
end
return 'EXPIRED'
