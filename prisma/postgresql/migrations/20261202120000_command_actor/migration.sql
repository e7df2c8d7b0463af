-- Command ids are scoped by the principal who issued them: a repeat replays
-- the first result only to that principal, and another principal's command
-- with the same id is a different command. `actor` is the acting user's id
-- (the events' metadata.userId), '' on an open server.
ALTER TABLE "processed_commands" ADD COLUMN "actor" TEXT NOT NULL DEFAULT '';

-- Existing commands: the actor recorded in the first event each one appended
-- (a command that appended nothing keeps ''), so repeats that worked before
-- the upgrade still replay for the same caller after it.
UPDATE "processed_commands" AS c
   SET "actor" = COALESCE(e."metadata"::jsonb ->> 'userId', '')
  FROM "events" AS e
 WHERE c."first_version" <= c."last_version"
   AND e."stream_id" = c."stream_id"
   AND e."version" = c."first_version";

-- The idempotency key: (actor, command_id). ledger_claim_head's one-statement
-- appends rely on this key failing (23505) for a command already recorded.
ALTER TABLE "processed_commands" DROP CONSTRAINT "processed_commands_pkey",
ADD CONSTRAINT "processed_commands_pkey" PRIMARY KEY ("actor", "command_id");
