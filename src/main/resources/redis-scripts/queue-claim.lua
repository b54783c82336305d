-- Claims due entries of a work queue for a lease: each one's due time becomes the lease's end (ARGV[2]), so that
-- instances sharing the queue do not work on one entry at once, and an entry whose worker died is due again when
-- the lease ends. Answers id, attempts that failed before, payload ('' for none) for each.
-- KEYS[1] due (zset), KEYS[2] payloads (hash), KEYS[3] attempts (hash); ARGV[1] now ms, ARGV[2] lease end ms,
-- ARGV[3] max entries
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(due) do
  redis.call('ZADD', KEYS[1], ARGV[2], id)
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[3], id) or '0'
  out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
end
return out
