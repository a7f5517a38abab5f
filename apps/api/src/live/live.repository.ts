import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { ConfiguredDestination } from './status-mapper';

@Injectable()
export class LiveRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A stream's destinations, oldest first (the order the dashboard lists them), without keys or URLs. */
  destinations(streamId: string): Promise<ConfiguredDestination[]> {
    return this.prisma.client.destination.findMany({ where: { streamId }, select: { id: true, name: true, enabled: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }
}
