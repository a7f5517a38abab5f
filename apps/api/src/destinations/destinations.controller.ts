import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { Destination, User } from '@fanout/contracts';
import { CurrentUser } from '../auth/decorators';
import { CreateDestinationDto, UpdateDestinationDto } from './destinations.dto';
import { DestinationsService } from './destinations.service';
import { UuidParam } from '../common/uuid-param';

/** A stream's destinations; keys are write-only (reads show `streamKeyMasked`). */
@Controller()
export class DestinationsController {
  constructor(private readonly destinations: DestinationsService) {}

  @Get('streams/:streamId/destinations')
  list(@CurrentUser() user: User, @Param('streamId', new UuidParam('stream')) streamId: string): Promise<Destination[]> {
    return this.destinations.list(user, streamId);
  }

  @Post('streams/:streamId/destinations')
  create(@CurrentUser() user: User, @Param('streamId', new UuidParam('stream')) streamId: string, @Body() body: CreateDestinationDto): Promise<Destination> {
    return this.destinations.create(user, streamId, body);
  }

  /** Any subset of fields; leave `streamKey` out to keep the saved key. */
  @Patch('destinations/:id')
  update(@CurrentUser() user: User, @Param('id', new UuidParam('destination')) id: string, @Body() body: UpdateDestinationDto): Promise<Destination> {
    return this.destinations.update(user, id, body);
  }

  @Delete('destinations/:id')
  @HttpCode(204)
  remove(@CurrentUser() user: User, @Param('id', new UuidParam('destination')) id: string): Promise<void> {
    return this.destinations.remove(user, id);
  }
}
