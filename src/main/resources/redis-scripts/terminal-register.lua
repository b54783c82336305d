-- Writes a terminal's record, replacing whatever the id held, unless ARGV[1] is 'create' and the id belongs to a
-- terminal that is not disabled (a disabled id may be registered again: that is how a lost secret is replaced).
-- KEYS[1] yb:{term:<id>}:terminal:record (permanent: no TTL)
-- ARGV[1] 'create' or 'replace'; ARGV[2..] field, value, field, value, ...
-- Returns 1 when written, 0 when refused.
if ARGV[1] == 'create' and redis.call('EXISTS', KEYS[1]) == 1
    and redis.call('HGET', KEYS[1], 'disabled') ~= '1' then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1
