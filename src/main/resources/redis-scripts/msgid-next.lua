-- Reserves the next national message id of an institution (msgid-lib.lua, loaded in front of this).
-- KEYS[1] the institution's last position (see msgid-lib.lua); ARGV[1] now, epoch seconds (the caller's clock),
-- ARGV[2] the institution code (fixmedins_code)
-- Returns the message id (30 characters)
return next_message_id(KEYS[1], ARGV[1], ARGV[2])
