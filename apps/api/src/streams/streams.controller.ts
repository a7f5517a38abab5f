import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { Stream, StreamDetail, User } from '@fanout/contracts';
import { CurrentUser } from '../auth/decorators';
import { RequestHost } from '../common/request-host';
import { CreateStreamDto, UpdateStreamDto } from './streams.dto';
import { StreamsService } from './streams.service';
import { UuidParam } from '../common/uuid-param';

/** Streams; a member's are theirs alone, owners and admins manage all. Foreign ids are 404. */
@Controller('streams')
export class StreamsController {
  constructor(private readonly streams: StreamsService) {}

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
}
