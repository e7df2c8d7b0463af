-- Log imports (src/eventstore/log-import.ts): which export a database was
-- filled from, so an interrupted import resumes that export and no other.
CREATE TABLE "log_imports" (
    "export_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "head" BIGINT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "log_imports_pkey" PRIMARY KEY ("export_id")
);
