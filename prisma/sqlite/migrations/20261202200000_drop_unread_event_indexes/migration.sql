-- Two secondary indexes of the log that no query needs any more; every
-- append wrote an entry in each (on SQLite about 95 of ~620 bytes per event).
--
-- events_id_key: event ids are UUIDs made by the store; the only lookup by id
-- (settling a commit whose outcome a lost connection hid) now goes by the
-- event's stream and version, which the (stream_id, version) key answers.
DROP INDEX "events_id_key";

-- events_timestamp_idx: timestamps never decrease along the log, so a time
-- range is a position range, found by a binary search on the primary key
-- (src/eventstore/time-bounds.ts); a stream's version at a time likewise on
-- (stream_id, version).
DROP INDEX "events_timestamp_idx";
