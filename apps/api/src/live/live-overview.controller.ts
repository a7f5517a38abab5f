import { Controller, Get } from '@nestjs/common';
import type { LiveOverview, User } from '@fanout/contracts';
import { CurrentUser } from '../auth/decorators';
import { LiveOverviewService } from './live-overview.service';

/** What is on air among your streams, and your last broadcast (the navigation badge, settings). */
@Controller('live')
export class LiveOverviewController {
  constructor(private readonly overview: LiveOverviewService) {}

  @Get()
  get(@CurrentUser() user: User): Promise<LiveOverview> {
    return this.overview.overview(user);
  }
}
