-- Ends one attempt at a work queue's entry. Only the holder of the lease ending at ARGV[2] may (ARGV[2] '' is
-- anyone's: the work was done elsewhere): an entry queued again meanwhile, or claimed by another worker after the
-- lease ran out, stays as it is. 'done' takes it out; 'retry' counts the failed attempt and makes it due at ARGV[4];
-- 'dead' moves it to the dead letters (stream, newest ARGV[5] kept, about) and takes it out. Answers 1 when done.
-- KEYS[1] due (zset), KEYS[2] payloads (hash), KEYS[3] attempts (hash), KEYS[4] dead letters (stream)
-- ARGV[1] id, ARGV[2] lease end ms or '', ARGV[3] done | retry | dead, ARGV[4] next attempt ms, ARGV[5] dead max
local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not due or (ARGV[2] ~= '' and tonumber(due) ~= tonumber(ARGV[2])) then
  return 0
end
if ARGV[3] == 'retry' then
  redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
  return 1
end
if ARGV[3] == 'dead' then
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], '*', 'id', ARGV[1],
    'payload', redis.call('HGET', KEYS[2], ARGV[1]) or '{}')
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
