-- Events that change shape: each event records the schema version of its
-- type it was written at. Events written before this release are version 1,
-- the shape every event type had then. Stored events are never rewritten:
-- readers upcast older versions to the current shape (src/domain/event-types.ts).
ALTER TABLE "events" ADD COLUMN "schema_version" INTEGER NOT NULL DEFAULT 1;
