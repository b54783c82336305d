-- Reserves the next national message id of an institution: a (second, sequence) position strictly after the last
-- one it was given, and never before now. Ids therefore never repeat, even when a gateway's clock steps back (the
-- sequence goes on in the last second used) or one second sees more than 9 999 messages (the next second is used).
-- KEYS[1] the institution's last position, a hash {s = epoch second, n = sequence 1..9999}: permanent, two fields
-- ARGV[1] now, epoch seconds (the caller's clock)
-- Returns {second, sequence}
local last = redis.call('HMGET', KEYS[1], 's', 'n')
local s, n = tonumber(ARGV[1]), 1
if last[1] and tonumber(last[1]) >= s then
  s, n = tonumber(last[1]), tonumber(last[2]) + 1
  if n > 9999 then
    s, n = s + 1, 1
  end
end
redis.call('HSET', KEYS[1], 's', string.format('%d', s), 'n', string.format('%d', n))
return {s, n}
