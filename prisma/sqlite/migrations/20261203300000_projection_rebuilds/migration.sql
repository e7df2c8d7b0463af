-- Online read-model rebuilds (src/eventstore/online-rebuild.ts): one row per
-- read model being built into shadow tables, held by one builder at a time
-- (a lease renewed with every page; a stale one may be taken over).
CREATE TABLE "projection_rebuilds" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "position" BIGINT NOT NULL,
    "started_at" DATETIME NOT NULL,
    "heartbeat_at" DATETIME NOT NULL
);
