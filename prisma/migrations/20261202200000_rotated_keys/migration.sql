-- The key a stream had before its last rotation stays recognised for 24 h, so an encoder still
-- using it is told the key was replaced (not that it is unknown), is not throttled as a bad key,
-- and the stream page can say which address it comes from.
ALTER TABLE "streams" ADD COLUMN "previous_key_hash" TEXT;
ALTER TABLE "streams" ADD COLUMN "key_rotated_at" TIMESTAMPTZ(3);
ALTER TABLE "streams" ADD COLUMN "old_key_address" TEXT;
ALTER TABLE "streams" ADD COLUMN "old_key_seen_at" TIMESTAMPTZ(3);
CREATE UNIQUE INDEX "streams_previous_key_hash_key" ON "streams"("previous_key_hash");
