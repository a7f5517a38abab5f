-- CreateTable
CREATE TABLE "audit_logs" (
    "id" UUID NOT NULL,
    "actor_id" UUID,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ingest_sessions" (
    "id" UUID NOT NULL,
    "stream_id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),
    "end_reason" TEXT,
    "video_codec" TEXT,
    "audio_codec" TEXT,
    "width" INTEGER,
    "height" INTEGER,
    "fps" DOUBLE PRECISION,
    "avg_bitrate_kbps" INTEGER,
    "peak_bitrate_kbps" INTEGER,

    CONSTRAINT "ingest_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "destination_events" (
    "id" UUID NOT NULL,
    "destination_id" UUID NOT NULL,
    "stream_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "from_state" TEXT NOT NULL,
    "to_state" TEXT NOT NULL,
    "reason" TEXT,
    "message" TEXT,

    CONSTRAINT "destination_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metric_samples" (
    "id" BIGSERIAL NOT NULL,
    "stream_id" UUID NOT NULL,
    "destination_id" UUID,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "resolution" INTEGER NOT NULL,
    "bitrate_kbps" INTEGER NOT NULL DEFAULT 0,
    "fps" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "dropped_frames" INTEGER NOT NULL DEFAULT 0,
    "reconnects" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT,

    CONSTRAINT "metric_samples_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_logs_created_at_idx" ON "audit_logs"("created_at");

-- CreateIndex
CREATE INDEX "audit_logs_target_type_target_id_idx" ON "audit_logs"("target_type", "target_id");

-- CreateIndex
CREATE INDEX "ingest_sessions_stream_id_started_at_idx" ON "ingest_sessions"("stream_id", "started_at");

-- CreateIndex
CREATE INDEX "destination_events_destination_id_at_idx" ON "destination_events"("destination_id", "at");

-- CreateIndex
CREATE INDEX "destination_events_stream_id_at_idx" ON "destination_events"("stream_id", "at");

-- CreateIndex
CREATE INDEX "metric_samples_stream_id_resolution_at_idx" ON "metric_samples"("stream_id", "resolution", "at");

-- CreateIndex
CREATE INDEX "metric_samples_destination_id_idx" ON "metric_samples"("destination_id");

-- AddForeignKey
ALTER TABLE "audit_logs" ADD CONSTRAINT "audit_logs_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ingest_sessions" ADD CONSTRAINT "ingest_sessions_stream_id_fkey" FOREIGN KEY ("stream_id") REFERENCES "streams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "destination_events" ADD CONSTRAINT "destination_events_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "destination_events" ADD CONSTRAINT "destination_events_stream_id_fkey" FOREIGN KEY ("stream_id") REFERENCES "streams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_samples" ADD CONSTRAINT "metric_samples_stream_id_fkey" FOREIGN KEY ("stream_id") REFERENCES "streams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_samples" ADD CONSTRAINT "metric_samples_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
