-- Disables a registered terminal; an unknown id stays unknown (no half record is created).
-- KEYS[1] yb:{term:<id>}:terminal:record
-- Returns 1 when the terminal exists (now disabled), 0 when there is no such terminal.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'disabled', '1')
return 1
