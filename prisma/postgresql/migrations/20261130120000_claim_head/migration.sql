-- One-statement appends (src/eventstore/prisma-store.ts, `writePredicted`).
-- SQLite needs no counterpart: its appends run in-process, without round trips.
--
-- ledger_claim_head takes the log head's row lock, the same lock every append
-- queues on, and checks under it that the log is where the caller predicted:
-- the head at expected_position with a timestamp not after new_timestamp,
-- and each listed stream at the listed version (0: no event yet) and type.
-- Then it moves the head to new_position (and its timestamp to new_timestamp
-- unless that is NULL). A wrong prediction raises SQLSTATE LDG01 (the head)
-- or LDG02 (a stream): the whole calling statement fails and writes nothing,
-- and the caller takes the locked path instead.
CREATE FUNCTION ledger_claim_head(
    expected_position BIGINT,
    new_position BIGINT,
    new_timestamp TIMESTAMPTZ,
    stream_ids TEXT[],
    stream_versions INTEGER[],
    stream_types TEXT[]
) RETURNS BIGINT
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    UPDATE "log_head"
       SET "position" = new_position, "last_timestamp" = COALESCE(new_timestamp, "last_timestamp")
     WHERE "id" = 1 AND "position" = expected_position AND "last_timestamp" <= COALESCE(new_timestamp, "last_timestamp");
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ledger: the log head is not at position %', expected_position USING ERRCODE = 'LDG01';
    END IF;
    -- Each statement of a VOLATILE function takes a new snapshot: this one
    -- sees every transaction that committed before the lock above was granted.
    IF EXISTS (
        SELECT 1
          FROM unnest(stream_ids, stream_versions, stream_types) AS s(stream_id, version, stream_type)
          LEFT JOIN LATERAL (
              SELECT e."version", e."stream_type" FROM "events" e
               WHERE e."stream_id" = s.stream_id ORDER BY e."version" DESC LIMIT 1
          ) AS cur ON TRUE
         WHERE COALESCE(cur."version", 0) <> s.version OR (cur."version" IS NOT NULL AND cur."stream_type" <> s.stream_type)
    ) THEN
        RAISE EXCEPTION 'ledger: a stream is not at its predicted version' USING ERRCODE = 'LDG02';
    END IF;
    RETURN new_position;
END
$$;
