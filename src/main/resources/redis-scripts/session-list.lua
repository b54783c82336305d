-- Lists an account's live sessions, dropping index entries whose session has ended.
-- KEYS[1] session index; ARGV[1] session key prefix
-- Returns a flat list: sid, device name, device id, created ms, last seen ms, ...
local out = {}
for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local s = redis.call('HMGET', ARGV[1] .. sid, 'dn', 'dev', 'ca', 'ls')
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
