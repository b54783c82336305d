-- Claims due entries of a work queue (zset member -> due ms) for a lease, so that gateway instances sharing the
-- queue do not work on the same entry at once; an entry whose worker died becomes due again when the lease ends.
-- KEYS[1] queue; ARGV[1] now ms, ARGV[2] lease ms, ARGV[3] max entries
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), member)
end
return due
