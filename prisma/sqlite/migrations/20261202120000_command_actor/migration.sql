-- Command ids are scoped by the principal who issued them: a repeat replays
-- the first result only to that principal, and another principal's command
-- with the same id is a different command. `actor` is the acting user's id
-- (the events' metadata.userId), '' on an open server.
--
-- A new primary key means a new table in SQLite. Existing commands get the
-- actor recorded in the first event each one appended (a command that
-- appended nothing keeps ''), so repeats that worked before the upgrade still
-- replay for the same caller after it.
CREATE TABLE "new_processed_commands" (
    "command_id" TEXT NOT NULL,
    "actor" TEXT NOT NULL DEFAULT '',
    "command_type" TEXT NOT NULL,
    "stream_id" TEXT NOT NULL,
    "first_version" INTEGER NOT NULL,
    "last_version" INTEGER NOT NULL,
    "position" BIGINT NOT NULL,
    "created_at" DATETIME NOT NULL,

    PRIMARY KEY ("actor", "command_id")
);
INSERT INTO "new_processed_commands" ("command_id", "actor", "command_type", "stream_id", "first_version", "last_version", "position", "created_at")
SELECT c."command_id",
       COALESCE((SELECT CAST(json_extract(e."metadata", '$.userId') AS TEXT) FROM "events" AS e
                  WHERE c."first_version" <= c."last_version" AND e."stream_id" = c."stream_id" AND e."version" = c."first_version"), ''),
       c."command_type", c."stream_id", c."first_version", c."last_version", c."position", c."created_at"
  FROM "processed_commands" AS c;
DROP TABLE "processed_commands";
ALTER TABLE "new_processed_commands" RENAME TO "processed_commands";
