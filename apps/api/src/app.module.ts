import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Config } from './config/config';
import { CONFIG } from './config/config';
import { LOGGER, type Logger } from './logging/logger';
import { DATABASE, PrismaService } from './database/prisma.service';
import type { DatabaseHandle } from './database/database';
import { SECRET_KEY, Secrets } from './crypto/secrets';
import { PasswordHasher } from './auth/password-hasher';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { IngestService } from './ingest/ingest.service';

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

@Module({})
export class AppModule {
  static register(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [RuntimeModule.register(runtime)],
      controllers: [HealthController],
      providers: [HealthService, IngestService],
    };
  }
}
