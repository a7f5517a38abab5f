import { Controller, Get, Param, Query } from '@nestjs/common';
import { metricsQuerySchema, type MetricsSeries, type User } from '@fanout/contracts';
import { CurrentUser } from '../auth/decorators';
import { zodDto } from '../common/zod-dto';
import { MetricsService } from './metrics.service';
import { UuidParam } from '../common/uuid-param';

export class MetricsQueryDto extends zodDto(metricsQuerySchema) {}

/** Metrics history of a stream, for charts. Foreign ids are 404. */
@Controller('streams')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** `?from&to` ISO date-times (default the last 15 minutes, at most 30 days). */
  @Get(':id/metrics')
  series(@CurrentUser() user: User, @Param('id', new UuidParam('stream')) id: string, @Query() query: MetricsQueryDto): Promise<MetricsSeries> {
    return this.metrics.series(user, id, query);
  }
}
