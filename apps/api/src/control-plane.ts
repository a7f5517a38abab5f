import type { Provider, Type } from '@nestjs/common';
import { AuditController } from './audit/audit.controller';
import { DestinationActionsService } from './destinations/destination-actions.service';
import { DestinationTestLimiter } from './destinations/destination-test-limiter';
import { DestinationsController } from './destinations/destinations.controller';
import { DestinationsRepository } from './destinations/destinations.repository';
import { DestinationsService } from './destinations/destinations.service';
import { PlatformsController } from './platforms/platforms.controller';
import { StreamKeys } from './streams/stream-keys';
import { StreamsController } from './streams/streams.controller';
import { StreamsRepository } from './streams/streams.repository';
import { StreamsService } from './streams/streams.service';
import { StreamInputsService } from './streams/stream-inputs.service';
import { UserAdminRepository } from './users/user-admin.repository';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';
import { LIVE_CONTROLLERS, LIVE_PROVIDERS } from './live/live.providers';
import { METRICS_CONTROLLERS, METRICS_PROVIDERS } from './metrics/metrics.providers';
import { OpenApiController } from './openapi/openapi.controller';
import { StreamAccess } from './streams/stream-access';
import { PREVIEW_CONTROLLERS, PREVIEW_PROVIDERS } from './preview/preview.providers';
import { RECORDINGS_CONTROLLERS, RECORDINGS_PROVIDERS } from './recordings/recordings.providers';

/**
 * Streams, destinations, users, platforms, the audit log, live status and history, metrics and
 * the OpenAPI document. Registered in AppModule itself (not modules of their own) beside the
 * ingest's LiveControl port and engine-events bus, which they use.
 */
export const CONTROL_PLANE_CONTROLLERS: Type[] = [StreamsController, DestinationsController, UsersController, PlatformsController, AuditController, ...LIVE_CONTROLLERS, ...METRICS_CONTROLLERS, ...PREVIEW_CONTROLLERS, ...RECORDINGS_CONTROLLERS, OpenApiController];

export const CONTROL_PLANE_PROVIDERS: Provider[] = [
  StreamKeys,
  StreamsRepository,
  StreamAccess,
  StreamsService,
  StreamInputsService,
  DestinationsRepository,
  DestinationsService,
  DestinationTestLimiter,
  DestinationActionsService,
  UserAdminRepository,
  UsersService,
  ...LIVE_PROVIDERS,
  ...METRICS_PROVIDERS,
  ...PREVIEW_PROVIDERS,
  ...RECORDINGS_PROVIDERS,
];
