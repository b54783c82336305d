-- Ties a visit to one settlement, for the terminal it was opened for, and returns the visit: one round trip.
-- KEYS[1] visit record; ARGV[1] the asking terminal, ARGV[2] the new settlement id
-- Returns {'none'} when the visit is gone, {'other'} when it is another terminal's, {'taken', settlement id} when
-- it already has a settlement, else {'claimed', field1, value1, ...} (the visit's fields).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'none'}
end
if redis.call('HGET', KEYS[1], 'term') ~= ARGV[1] then
  return {'other'}
end
if redis.call('HSETNX', KEYS[1], 'stl', ARGV[2]) == 0 then
  return {'taken', redis.call('HGET', KEYS[1], 'stl')}
end
local out = {'claimed'}
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do
  out[#out + 1] = v
end
return out
