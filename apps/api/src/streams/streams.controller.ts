import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { inputControlSchema, type Stream, type StreamDetail, type StreamStatus, type User } from '@fanout/contracts';
import { zodDto } from '../common/zod-dto';
import { StreamInputsService } from './stream-inputs.service';
import { CurrentUser } from '../auth/decorators';
import { RequestHost } from '../common/request-host';
import { CreateStreamDto, UpdateStreamDto } from './streams.dto';
import { StreamsService } from './streams.service';
import { UuidParam } from '../common/uuid-param';

export class InputControlDto extends zodDto(inputControlSchema) {}

/** Streams; a member's are theirs alone, owners and admins manage all. Foreign ids are 404. */
@Controller('streams')
export class StreamsController {
  constructor(
    private readonly streams: StreamsService,
    private readonly inputs: StreamInputsService,
  ) {}

  @Get()
  list(@CurrentUser() user: User, @RequestHost() host: string | undefined): Promise<Stream[]> {
    return this.streams.list(user, host);
  }

  /** 201 with the generated stream key. */
  @Post()
  create(@CurrentUser() user: User, @Body() body: CreateStreamDto, @RequestHost() host: string | undefined): Promise<StreamDetail> {
    return this.streams.create(user, body, host);
  }

  /** With the key for the stream's owner (the dashboard reveals it); `streamKey: null` for others. */
  @Get(':id')
  get(@CurrentUser() user: User, @Param('id', new UuidParam('stream')) id: string, @RequestHost() host: string | undefined): Promise<StreamDetail> {
    return this.streams.get(user, id, host);
  }

  @Patch(':id')
  update(@CurrentUser() user: User, @Param('id', new UuidParam('stream')) id: string, @Body() body: UpdateStreamDto, @RequestHost() host: string | undefined): Promise<Stream> {
    return this.streams.update(user, id, body, host);
  }

  /** 204; its destinations go with it. */
  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: User, @Param('id', new UuidParam('stream')) id: string): Promise<void> {
    return this.streams.remove(user, id);
  }

  /** 200 with the new key; the old key stops working at once (a live encoder keeps its session). */
  @Post(':id/rotate-key')
  @HttpCode(200)
  rotateKey(@CurrentUser() user: User, @Param('id', new UuidParam('stream')) id: string, @RequestHost() host: string | undefined): Promise<StreamDetail> {
    return this.streams.rotateKey(user, id, host);
  }

  /** 200 with the new backup key; a backup encoder live with the old one is disconnected. */
  @Post(':id/rotate-backup-key')
  @HttpCode(200)
  rotateBackupKey(@CurrentUser() user: User, @Param('id', new UuidParam('stream')) id: string, @RequestHost() host: string | undefined): Promise<StreamDetail> {
    return this.streams.rotateBackupKey(user, id, host);
  }

  /** Switch what is on air (primary, backup, slate) and/or pin the preferred encoder; 409 when not live or it cannot go on air. */
  @Post(':id/input')
  @HttpCode(200)
  control(@CurrentUser() user: User, @Param('id', new UuidParam('stream')) id: string, @Body() body: InputControlDto): Promise<NonNullable<StreamStatus['inputs']>> {
    return this.inputs.control(user, id, body);
  }

  /**
   * The stream's own slate image: the request body, image/png or image/jpeg, at most 5 MB. Read
   * from the request, not `@Body()`: the body is bytes with no zod schema, and the service checks
   * them (type by magic number, size, dimensions) itself.
   */
  @Put(':id/slate-image')
  @HttpCode(204)
  async setSlateImage(@CurrentUser() user: User, @Param('id', new UuidParam('stream')) id: string, @Req() request: FastifyRequest): Promise<void> {
    await this.inputs.setImage(user, id, request.body);
  }

  @Delete(':id/slate-image')
  @HttpCode(204)
  async removeSlateImage(@CurrentUser() user: User, @Param('id', new UuidParam('stream')) id: string): Promise<void> {
    await this.inputs.removeImage(user, id);
  }

  @Get(':id/slate-image')
  async slateImage(@CurrentUser() user: User, @Param('id', new UuidParam('stream')) id: string, @Res() reply: FastifyReply): Promise<void> {
    const image = await this.inputs.image(user, id);
    await reply.header('content-type', image.type).header('cache-control', 'private, no-cache').send(image.bytes);
  }
}
