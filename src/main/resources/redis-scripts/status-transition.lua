-- Moves a record (a contribution order) from one status to another, only if it is still in the expected one.
-- KEYS[1] the record; ARGV[1] expected status, ARGV[2] new status, ARGV[3..] extra field/value pairs
-- Returns transition-lib's reply: {1 when moved else 0, the record as it stands afterwards as field/value pairs}.
return transition(KEYS[1], ARGV[1], ARGV[2], ARGV, 3)
