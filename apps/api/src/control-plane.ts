import type { Provider, Type } from '@nestjs/common';
import { AuditController } from './audit/audit.controller';
import { DestinationsController } from './destinations/destinations.controller';
import { DestinationsRepository } from './destinations/destinations.repository';
import { DestinationsService } from './destinations/destinations.service';
import { PlatformsController } from './platforms/platforms.controller';
import { StreamKeys } from './streams/stream-keys';
import { StreamsController } from './streams/streams.controller';
import { StreamsRepository } from './streams/streams.repository';
import { StreamsService } from './streams/streams.service';
import { UserAdminRepository } from './users/user-admin.repository';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';
import { LIVE_CONTROLLERS, LIVE_PROVIDERS } from './live/live.providers';

/**
 * Streams, destinations, users, platforms and the audit log. Registered in AppModule itself
 * (not a module of their own) because the services apply changes through IngestService,
 * which AppModule provides.
 */
export const CONTROL_PLANE_CONTROLLERS: Type[] = [StreamsController, DestinationsController, UsersController, PlatformsController, AuditController, ...LIVE_CONTROLLERS];

export const CONTROL_PLANE_PROVIDERS: Provider[] = [
  StreamKeys,
  StreamsRepository,
  StreamsService,
  DestinationsRepository,
  DestinationsService,
  UserAdminRepository,
  UsersService,
  ...LIVE_PROVIDERS,
];
