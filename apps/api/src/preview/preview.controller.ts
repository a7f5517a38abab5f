import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { PreviewUrl } from '@fanout/contracts';
import type { AuthContext } from '../auth/auth.types';
import { CurrentAuth, Public } from '../auth/decorators';
import { UuidParam } from '../common/uuid-param';
import { PreviewService } from './preview.service';

/** The live preview of a stream's ingest, as HTTP-FLV. */
@Controller()
export class PreviewController {
  constructor(private readonly preview: PreviewService) {}

  /** HTTP-FLV from the current keyframe while the stream is live; 409 when nothing publishes or past PREVIEW_MAX_VIEWERS. */
  @Get('streams/:id/preview')
  play(@CurrentAuth() auth: AuthContext, @Param('id', new UuidParam('stream')) id: string, @Res() reply: FastifyReply): Promise<void> {
    return this.preview.serve(auth, auth.user, id, reply);
  }

  /** A URL that plays the preview without a cookie, usable for a minute. */
  @Post('streams/:id/preview-url')
  @HttpCode(200)
  url(@CurrentAuth() auth: AuthContext, @Param('id', new UuidParam('stream')) id: string): Promise<PreviewUrl> {
    return this.preview.url(auth, id);
  }

  @Public()
  @Get('preview/:token')
  playSigned(@Param('token') token: string, @Res() reply: FastifyReply): Promise<void> {
    return this.preview.serveSigned(token, reply);
  }
}
