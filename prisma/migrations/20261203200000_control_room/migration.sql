-- Time a session's publisher was gone and came back within the grace window: the session's
-- duration and averages leave it out, since nothing was on air from the encoder meanwhile.
ALTER TABLE "ingest_sessions" ADD COLUMN "grace_ms" INTEGER NOT NULL DEFAULT 0;

-- "Your last broadcast" (settings): the newest ended session.
CREATE INDEX "ingest_sessions_ended_at_idx" ON "ingest_sessions"("ended_at");

-- The audit page filters by user and by action, newest first.
CREATE INDEX "audit_logs_actor_id_created_at_idx" ON "audit_logs"("actor_id", "created_at");
CREATE INDEX "audit_logs_action_created_at_idx" ON "audit_logs"("action", "created_at");
