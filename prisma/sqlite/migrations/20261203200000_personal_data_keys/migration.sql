-- Personal data is sealed per person (crypto-shredding): each person has a
-- random data key, stored here wrapped (encrypted) by the master key. Forgetting
-- a person sets wrapped_key to NULL and forgotten_at: the row stays as a
-- tombstone, so no new key is ever made for that id.
CREATE TABLE "personal_data_keys" (
    "subject_id" TEXT NOT NULL PRIMARY KEY,
    -- base64 of nonce | ciphertext | tag (AES-256-GCM under the master key); NULL once forgotten
    "wrapped_key" TEXT,
    -- which master key wrapped it (a fingerprint, never the key)
    "master_key_id" TEXT,
    "created_at" DATETIME NOT NULL,
    "forgotten_at" DATETIME
);

-- A counter bumped by every forget, in the forget's transaction: each process
-- reads it before it trusts the data keys it has cached.
CREATE TABLE "personal_data_epoch" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "forget_epoch" BIGINT NOT NULL
);
INSERT INTO "personal_data_epoch" ("id", "forget_epoch") VALUES (1, 0);

-- The projection that destroys keys starts at the head: no earlier event forgets anyone.
INSERT INTO "projection_checkpoints" ("name", "position", "updated_at")
SELECT 'personal_data_keys', "position", "last_timestamp" FROM "log_head" WHERE "id" = 1;
