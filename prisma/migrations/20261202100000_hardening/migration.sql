-- API tokens: a scope (read-only tokens may only read) and an optional expiry.
ALTER TABLE "api_tokens" ADD COLUMN "scope" TEXT NOT NULL DEFAULT 'read-write';
ALTER TABLE "api_tokens" ADD COLUMN "expires_at" TIMESTAMPTZ(3);

-- Sessions are listed per user (GET /api/auth/sessions) and revoked per user on a password change.
CREATE INDEX "sessions_user_id_revoked_at_idx" ON "sessions"("user_id", "revoked_at");
