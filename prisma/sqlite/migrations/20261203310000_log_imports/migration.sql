-- Log imports (src/eventstore/log-import.ts): which export a database was
-- filled from, so an interrupted import resumes that export and no other.
CREATE TABLE "log_imports" (
    "export_id" TEXT NOT NULL PRIMARY KEY,
    "source" TEXT NOT NULL,
    "head" BIGINT NOT NULL,
    "started_at" DATETIME NOT NULL,
    "completed_at" DATETIME
);
