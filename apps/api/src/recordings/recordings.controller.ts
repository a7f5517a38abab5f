import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Controller, Delete, Get, HttpCode, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Recording, User } from '@fanout/contracts';
import { CurrentUser } from '../auth/decorators';
import { AppError } from '../common/app-error';
import { UuidParam } from '../common/uuid-param';
import { parseRange } from './byte-range';
import { RecordingsService } from './recordings.service';

/** Recordings: listed per stream, served with HTTP Range (a `<video>` seeks through them), deleted. */
@Controller()
export class RecordingsController {
  constructor(private readonly recordings: RecordingsService) {}

  /** Newest first. */
  @Get('streams/:id/recordings')
  list(@CurrentUser() user: User, @Param('id', new UuidParam('stream')) id: string): Promise<Recording[]> {
    return this.recordings.list(user, id);
  }

  /** The MP4: whole (200) or a byte range (206), `video/mp4`, as an attachment named after the stream. */
  @Get('recordings/:id/file')
  async file(@CurrentUser() user: User, @Param('id', new UuidParam('recording')) id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const file = await this.recordings.file(user, id);
    const info = await stat(file.path).catch(() => undefined);
    if (!info) throw new AppError('NOT_FOUND', { message: 'The recording file is gone.' });
    const size = info.size;
    const etag = `W/"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    reply
      .header('content-type', 'video/mp4')
      .header('accept-ranges', 'bytes')
      .header('content-disposition', `attachment; filename="${file.name}"`)
      // A recording being written changes under the reader: never cached then.
      .header('cache-control', file.growing ? 'no-store' : 'private, max-age=0, must-revalidate')
      .header('last-modified', info.mtime.toUTCString())
      .header('etag', etag);
    const ifRange = request.headers['if-range'];
    const rangeHeader = ifRange !== undefined && ifRange !== etag && ifRange !== info.mtime.toUTCString() ? undefined : request.headers.range;
    const range = parseRange(typeof rangeHeader === 'string' ? rangeHeader : undefined, size);
    if (range === 'unsatisfiable') {
      await reply.code(416).header('content-range', `bytes */${size}`).send();
      return;
    }
    if (range === undefined) {
      await reply.code(200).header('content-length', String(size)).send(size === 0 ? '' : createReadStream(file.path, { start: 0, end: size - 1 }));
      return;
    }
    await reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', String(range.end - range.start + 1))
      .send(createReadStream(file.path, { start: range.start, end: range.end }));
  }

  @Delete('recordings/:id')
  @HttpCode(204)
  async remove(@CurrentUser() user: User, @Param('id', new UuidParam('recording')) id: string): Promise<void> {
    await this.recordings.remove(user, id);
  }
}
