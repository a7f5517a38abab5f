import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

/** Nest injection token for the database handle (url, embedded or not). */
export const DATABASE = Symbol('DATABASE');

/** Secret columns are left out of every query unless a caller asks for them by name. */
const OMIT = {
  user: { passwordHash: true },
  session: { tokenHash: true },
  stream: { keyHash: true, keyCiphertext: true },
  destination: { keyCiphertext: true },
  apiToken: { tokenHash: true },
  webhookEndpoint: { secretCiphertext: true, previousSecretCiphertext: true },
} as const;

function createClient(url: string) {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }), omit: OMIT });
}

@Injectable()
export class PrismaService implements OnModuleDestroy {
  readonly client: ReturnType<typeof createClient>;

  constructor(@Inject(DATABASE) database: { url: string }) {
    this.client = createClient(database.url);
  }

  /** A cheap round trip for health checks, bounded so a hung database reads as down. */
  async ping(timeoutMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.client.$queryRaw`SELECT 1`, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onModuleDestroy() {
    await this.client.$disconnect();
  }
}
