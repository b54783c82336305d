-- Library (loaded in front of status-transition.lua and settlement-transition.lua): moving a record (a hash with a
-- status field: settlements, contribution orders) from one status to another, only if it is still in the expected
-- one (compare-and-set).

-- When the record at key is in status from: calls effects.before() (when given), sets status to and the field/value
-- pairs fields[first..], calls effects.after(). Returns {1 when moved else 0, field1, value1, ...}: the record as it
-- stands afterwards (no fields when gone), so that the caller needs no second round trip to read it.
local function transition(key, from, to, fields, first, effects)
  local moved = 0
  if redis.call('HGET', key, 'status') == from then
    if effects then
      effects.before()
    end
    redis.call('HSET', key, 'status', to)
    for i = first, #fields, 2 do
      redis.call('HSET', key, fields[i], fields[i + 1])
    end
    if effects then
      effects.after()
    end
    moved = 1
  end
  local out = {moved}
  for _, v in ipairs(redis.call('HGETALL', key)) do
    out[#out + 1] = v
  end
  return out
end
