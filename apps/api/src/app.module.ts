import { type DynamicModule, Global, Module, type Type } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import type { Config } from './config/config';
import { CONFIG } from './config/config';
import { LOGGER, type Logger } from './logging/logger';
import { DATABASE, PrismaService } from './database/prisma.service';
import type { DatabaseHandle } from './database/database';
import { SECRET_KEY, Secrets } from './crypto/secrets';
import { PasswordHasher } from './auth/password-hasher';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { INGEST_PROVIDERS } from './ingest/ingest.providers';
import { HostResolver } from './net/destination-lookup';
import { AuthModule } from './auth/auth.module';
import { Public } from './auth/decorators';
import { ZodValidationPipe } from './common/zod-validation.pipe';
import { CONTROL_PLANE_CONTROLLERS, CONTROL_PLANE_PROVIDERS } from './control-plane';
import { WEBHOOK_CONTROLLERS, WEBHOOK_PROVIDERS } from './webhooks/webhooks.providers';

// Health is for load balancers and the start script, before anyone signs in. Marked here
// rather than in health/ so that folder stays free of auth concerns.
Public()(HealthController);

/** What main.ts prepares before Nest starts: validated config, logger, migrated database, secret key. */
export interface Runtime {
  config: Readonly<Config>;
  logger: Logger;
  database: DatabaseHandle;
  secretKey: Buffer;
}

@Global()
@Module({})
class RuntimeModule {
  static register(runtime: Runtime): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [
        { provide: CONFIG, useValue: runtime.config },
        { provide: LOGGER, useValue: runtime.logger },
        { provide: DATABASE, useValue: runtime.database },
        { provide: SECRET_KEY, useValue: runtime.secretKey },
        PrismaService,
        Secrets,
        PasswordHasher,
      ],
      exports: [CONFIG, LOGGER, DATABASE, SECRET_KEY, PrismaService, Secrets, PasswordHasher],
    };
  }
}

export interface AppModuleOptions {
  /** Extra controllers mounted beside ours, behind the same guards and pipes (tests use this). */
  controllers?: Type[];
}

@Module({})
export class AppModule {
  static register(runtime: Runtime, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [RuntimeModule.register(runtime), AuthModule],
      controllers: [HealthController, ...CONTROL_PLANE_CONTROLLERS, ...WEBHOOK_CONTROLLERS, ...(options.controllers ?? [])],
      providers: [HealthService, ...INGEST_PROVIDERS, HostResolver, { provide: APP_PIPE, useClass: ZodValidationPipe }, ...CONTROL_PLANE_PROVIDERS, ...WEBHOOK_PROVIDERS],
    };
  }
}
