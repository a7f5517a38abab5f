import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Health } from '@fanout/contracts';
import { HealthService } from './health.service';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 200 when every component is up, 503 otherwise, with the same body either way. */
  @Get()
  async get(@Res({ passthrough: true }) reply: FastifyReply): Promise<Health> {
    const health = await this.health.check();
    reply.status(health.status === 'ok' ? 200 : 503).header('cache-control', 'no-store');
    return health;
  }
}
