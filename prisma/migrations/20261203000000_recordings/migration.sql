-- Recordings: a per-stream "record broadcasts" switch, one row per recording file, and
-- instance-wide settings (the owners' default for new streams).
ALTER TABLE "streams" ADD COLUMN "record" BOOLEAN NOT NULL DEFAULT false;

CREATE TYPE "RecordingState" AS ENUM ('recording', 'complete', 'interrupted', 'failed');

CREATE TABLE "recordings" (
    "id" UUID NOT NULL,
    "stream_id" UUID NOT NULL,
    "session_id" UUID,
    "part" INTEGER NOT NULL DEFAULT 1,
    "file" TEXT NOT NULL,
    "state" "RecordingState" NOT NULL DEFAULT 'recording',
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER NOT NULL DEFAULT 0,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "video_codec" TEXT,
    "audio_codec" TEXT,
    "failure_reason" TEXT,
    "failure_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "recordings_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "recordings_file_key" ON "recordings"("file");
CREATE INDEX "recordings_stream_id_started_at_idx" ON "recordings"("stream_id", "started_at");
CREATE INDEX "recordings_state_idx" ON "recordings"("state");
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_stream_id_fkey" FOREIGN KEY ("stream_id") REFERENCES "streams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "instance_settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "instance_settings_pkey" PRIMARY KEY ("key")
);
