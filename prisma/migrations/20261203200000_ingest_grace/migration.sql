-- Time a session's publisher was gone and came back within the grace window: the session's
-- duration and averages leave it out, since nothing was on air from the encoder meanwhile.
ALTER TABLE "ingest_sessions" ADD COLUMN "grace_ms" INTEGER NOT NULL DEFAULT 0;
