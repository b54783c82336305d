-- Lists an account's live sessions, dropping index entries whose session has ended. Every session key is
-- declared: the caller read the index first; a session created since is not listed this time.
-- KEYS[1] session index, KEYS[2..] the listed sessions' keys; ARGV[1..] their sids, in the same order
-- Returns a flat list: sid, device name, device id, created ms, last seen ms, ...
local out = {}
for j = 1, #ARGV do
  local sid = ARGV[j]
  local s = redis.call('HMGET', KEYS[1 + j], 'dn', 'dev', 'ca', 'ls')
  if s[3] then
    out[#out + 1] = sid
    out[#out + 1] = s[1] or ''
    out[#out + 1] = s[2] or ''
    out[#out + 1] = s[3]
    out[#out + 1] = s[4] or s[3]
  else
    redis.call('ZREM', KEYS[1], sid)
  end
end
return out
