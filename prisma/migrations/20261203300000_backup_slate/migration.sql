-- A backup encoder key per stream (kept like the primary's), the per-stream grace window and
-- slate settings, and a row per switch of what is on air.
ALTER TABLE "streams" ADD COLUMN "backup_key_hash" TEXT;
ALTER TABLE "streams" ADD COLUMN "backup_key_ciphertext" TEXT;
ALTER TABLE "streams" ADD COLUMN "previous_backup_key_hash" TEXT;
ALTER TABLE "streams" ADD COLUMN "backup_key_rotated_at" TIMESTAMPTZ(3);
ALTER TABLE "streams" ADD COLUMN "grace_seconds" INTEGER;
ALTER TABLE "streams" ADD COLUMN "slate" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "streams" ADD COLUMN "slate_image" TEXT;
CREATE UNIQUE INDEX "streams_backup_key_hash_key" ON "streams"("backup_key_hash");
CREATE UNIQUE INDEX "streams_previous_backup_key_hash_key" ON "streams"("previous_backup_key_hash");

CREATE TABLE "input_switches" (
    "id" UUID NOT NULL,
    "stream_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "on_air" TEXT NOT NULL,
    "previous" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "gap_ms" INTEGER,
    "wall_gap_ms" INTEGER,
    CONSTRAINT "input_switches_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "input_switches_stream_id_at_idx" ON "input_switches"("stream_id", "at");
ALTER TABLE "input_switches" ADD CONSTRAINT "input_switches_stream_id_fkey" FOREIGN KEY ("stream_id") REFERENCES "streams"("id") ON DELETE CASCADE ON UPDATE CASCADE;
