-- CreateTable
CREATE TABLE "events" (
    "position" INTEGER NOT NULL PRIMARY KEY, -- an alias of the rowid: the log is clustered by position
    "id" TEXT NOT NULL,
    "stream_id" TEXT NOT NULL,
    "stream_type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "metadata" TEXT NOT NULL,
    "timestamp" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "log_head" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "position" BIGINT NOT NULL,
    "last_timestamp" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "snapshots" (
    "stream_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "stream_type" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL,

    PRIMARY KEY ("stream_id", "version")
);

-- CreateTable
CREATE TABLE "processed_commands" (
    "command_id" TEXT NOT NULL PRIMARY KEY,
    "command_type" TEXT NOT NULL,
    "stream_id" TEXT NOT NULL,
    "first_version" INTEGER NOT NULL,
    "last_version" INTEGER NOT NULL,
    "position" BIGINT NOT NULL,
    "created_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "projection_checkpoints" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "position" BIGINT NOT NULL,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "accounts" (
    "account_id" TEXT NOT NULL PRIMARY KEY,
    "owner_id" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "balance" BIGINT NOT NULL,
    "is_active" BOOLEAN NOT NULL,
    "created_at" DATETIME NOT NULL,
    "version" INTEGER NOT NULL,
    "opened_position" BIGINT NOT NULL,
    "last_position" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "account_summaries" (
    "account_id" TEXT NOT NULL PRIMARY KEY,
    "total_deposits" BIGINT NOT NULL,
    "total_withdrawals" BIGINT NOT NULL,
    "transaction_count" INTEGER NOT NULL,
    "created_at" DATETIME,
    "last_activity" DATETIME,
    "last_position" BIGINT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "events_id_key" ON "events"("id");

-- CreateIndex
CREATE INDEX "events_stream_type_position_idx" ON "events"("stream_type", "position");

-- CreateIndex
CREATE INDEX "events_type_position_idx" ON "events"("type", "position");

-- CreateIndex
CREATE INDEX "events_timestamp_idx" ON "events"("timestamp");

-- CreateIndex
CREATE UNIQUE INDEX "events_stream_id_version_key" ON "events"("stream_id", "version");

-- CreateIndex
CREATE INDEX "accounts_owner_id_opened_position_idx" ON "accounts"("owner_id", "opened_position");

-- CreateIndex
CREATE INDEX "accounts_opened_position_idx" ON "accounts"("opened_position");


-- The log head starts at position 0.
INSERT INTO "log_head" ("id", "position", "last_timestamp") VALUES (1, 0, '1970-01-01T00:00:00.000+00:00');
