import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { MAX_SLATE_IMAGE_BYTES, type InputControlInput, type StreamStatus } from '@fanout/contracts';
import { AuditService } from '../audit/audit.service';
import type { User } from '../auth/auth.types';
import { AppError } from '../common/app-error';
import { EngineSettingsReader } from '../ingest/engine-settings';
import { LiveControl } from '../ingest/live-control';
import { statusFromStats } from '../live/status-mapper';
import { StreamAccess } from './stream-access';
import { inspectImage } from './slate-image';
import { StreamsRepository } from './streams.repository';

/**
 * A stream's encoders and slate while it runs: switching what is on air by hand, pinning the
 * preferred encoder, and the stream's own slate image (PNG or JPEG up to 5 MB, in
 * DATA_DIR/slates; applied to a live stream at its next switch to the slate).
 */
@Injectable()
export class StreamInputsService {
  constructor(
    private readonly streams: StreamsRepository,
    private readonly access: StreamAccess,
    private readonly live: LiveControl,
    private readonly settings: EngineSettingsReader,
    private readonly audit: AuditService,
  ) {}

  async control(user: User, streamId: string, input: InputControlInput): Promise<NonNullable<StreamStatus['inputs']>> {
    await this.access.visible(user, streamId);
    if (this.live.stats(streamId) === undefined) throw new AppError('CONFLICT', { message: 'Nothing is publishing to this stream right now.' });
    if (input.pin !== undefined) this.live.pinInput(streamId, input.pin);
    if (input.switchTo !== undefined && !this.live.switchInput(streamId, input.switchTo)) {
      const what = input.switchTo === 'slate' ? 'The slate is not ready (it is off, still rendering, or ffmpeg cannot render one).' : `The ${input.switchTo} encoder is not connected or not sending.`;
      throw new AppError('CONFLICT', { message: what });
    }
    await this.audit.record(user, 'stream.input', { type: 'stream', id: streamId }, { ...(input.switchTo ? { switchTo: input.switchTo } : {}), ...(input.pin !== undefined ? { pin: input.pin ?? 'none' } : {}) });
    const stats = this.live.stats(streamId);
    const inputs = stats ? statusFromStats(stats).inputs : null;
    if (!inputs) throw new AppError('CONFLICT', { message: 'The broadcast has just ended.' });
    return inputs;
  }

  async setImage(user: User, streamId: string, body: unknown): Promise<void> {
    const row = await this.access.visible(user, streamId);
    if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'image', message: 'Send the image as the request body (image/png or image/jpeg).' }] });
    if (body.length > MAX_SLATE_IMAGE_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', { message: 'The image is larger than 5 MB.' });
    const image = inspectImage(body);
    if (typeof image === 'string') throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'image', message: image }] });
    const name = `${streamId}-${randomBytes(4).toString('hex')}.${image.extension}`;
    await writeFile(join(this.settings.slateDir, name), body, { mode: 0o644 });
    await this.streams.update(streamId, { slateImage: name });
    if (row.slateImage) await rm(join(this.settings.slateDir, row.slateImage), { force: true });
    await this.live.refreshStreamSettings(streamId);
    await this.audit.record(user, 'stream.update', { type: 'stream', id: streamId }, { name: row.name, changed: ['slateImage'] });
  }

  async removeImage(user: User, streamId: string): Promise<void> {
    const row = await this.access.visible(user, streamId);
    if (!row.slateImage) return;
    await this.streams.update(streamId, { slateImage: null });
    await rm(join(this.settings.slateDir, row.slateImage), { force: true });
    await this.live.refreshStreamSettings(streamId);
    await this.audit.record(user, 'stream.update', { type: 'stream', id: streamId }, { name: row.name, changed: ['slateImage'] });
  }

  async image(user: User, streamId: string): Promise<{ bytes: Buffer; type: string }> {
    const row = await this.access.visible(user, streamId);
    if (!row.slateImage) throw new AppError('NOT_FOUND', { message: 'This stream uses the default slate.' });
    const bytes = await readFile(join(this.settings.slateDir, row.slateImage)).catch(() => undefined);
    if (!bytes) throw new AppError('NOT_FOUND', { message: 'The slate image is gone.' });
    return { bytes, type: row.slateImage.endsWith('.png') ? 'image/png' : 'image/jpeg' };
  }
}
