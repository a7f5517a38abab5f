import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { Destination, DestinationTestResult, User } from '@fanout/contracts';
import { CurrentUser } from '../auth/decorators';
import { CreateDestinationDto, UpdateDestinationDto } from './destinations.dto';
import { DestinationActionsService } from './destination-actions.service';
import { DestinationsService } from './destinations.service';
import { UuidParam } from '../common/uuid-param';

/** A stream's destinations; keys are write-only (reads show `streamKeyMasked`). */
@Controller()
export class DestinationsController {
  constructor(
    private readonly destinations: DestinationsService,
    private readonly actions: DestinationActionsService,
  ) {}

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

  /** "Retry now": a reconnecting or failed destination of a live stream connects at once. 409 when there is nothing to retry. */
  @Post('destinations/:id/retry')
  @HttpCode(204)
  retry(@CurrentUser() user: User, @Param('id', new UuidParam('destination')) id: string): Promise<void> {
    return this.actions.retry(user, id);
  }

  /** "Test connection" while idle: publish with the key, unpublish at once, no media. 409 while live, 429 past the limit. */
  @Post('destinations/:id/test')
  @HttpCode(200)
  test(@CurrentUser() user: User, @Param('id', new UuidParam('destination')) id: string): Promise<DestinationTestResult> {
    return this.actions.test(user, id);
  }
}
