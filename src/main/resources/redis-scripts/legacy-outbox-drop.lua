-- Drops a drained legacy outbox (before issue 13: a stream read by a consumer group, with a retry hash beside it)
-- once nothing is left in its stream: one step, so an entry a not yet upgraded instance appends meanwhile is never
-- deleted with it. Answers 1 when dropped, 0 when the stream still holds entries.
-- KEYS[1] the stream, KEYS[2] its retry hash
if redis.call('XLEN', KEYS[1]) > 0 then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
