-- Commands across several streams (a transfer) record every stream's
-- versions: `streams` holds them as JSON, in the order of the command's
-- append, for a command of more than one stream (NULL: the one stream in
-- stream_id, first_version, last_version, as before).
ALTER TABLE "processed_commands" ADD COLUMN "streams" TEXT;

-- What the command was: a SHA-256 of its type and canonical input, written
-- by the command handler. A commandId repeated with another input is refused
-- (BAD_USER_INPUT, reason COMMAND_ID_REUSED) instead of replaying the first
-- result. Rows recorded before this migration have none and replay as before.
ALTER TABLE "processed_commands" ADD COLUMN "fingerprint" TEXT;
