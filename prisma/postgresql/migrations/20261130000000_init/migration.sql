-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "events" (
    "position" BIGINT NOT NULL,
    "id" TEXT NOT NULL,
    "stream_id" TEXT NOT NULL,
    "stream_type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "metadata" TEXT NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "events_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "log_head" (
    "id" INTEGER NOT NULL,
    "position" BIGINT NOT NULL,
    "last_timestamp" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "log_head_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "snapshots" (
    "stream_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "stream_type" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "snapshots_pkey" PRIMARY KEY ("stream_id","version")
);

-- CreateTable
CREATE TABLE "processed_commands" (
    "command_id" TEXT NOT NULL,
    "command_type" TEXT NOT NULL,
    "stream_id" TEXT NOT NULL,
    "first_version" INTEGER NOT NULL,
    "last_version" INTEGER NOT NULL,
    "position" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "processed_commands_pkey" PRIMARY KEY ("command_id")
);

-- CreateTable
CREATE TABLE "projection_checkpoints" (
    "name" TEXT NOT NULL,
    "position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "projection_checkpoints_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "accounts" (
    "account_id" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "balance" BIGINT NOT NULL,
    "is_active" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL,
    "opened_position" BIGINT NOT NULL,
    "last_position" BIGINT NOT NULL,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("account_id")
);

-- CreateTable
CREATE TABLE "account_summaries" (
    "account_id" TEXT NOT NULL,
    "total_deposits" BIGINT NOT NULL,
    "total_withdrawals" BIGINT NOT NULL,
    "transaction_count" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3),
    "last_activity" TIMESTAMPTZ(3),
    "last_position" BIGINT NOT NULL,

    CONSTRAINT "account_summaries_pkey" PRIMARY KEY ("account_id")
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
INSERT INTO "log_head" ("id", "position", "last_timestamp") VALUES (1, 0, '1970-01-01T00:00:00.000Z');
