import type { Logger } from '../logging/logger';
import type { PrismaService } from '../database/prisma.service';
import type { PasswordHasher } from './password-hasher';

/**
 * With ADMIN_EMAIL and ADMIN_PASSWORD set and no user in the database, create that owner.
 * Does nothing once any user exists, so the variables can stay set across restarts.
 */
export async function bootstrapOwner(
  prisma: PrismaService,
  hasher: PasswordHasher,
  admin: { email?: string | undefined; password?: string | undefined },
  logger: Logger,
): Promise<'created' | 'skipped'> {
  if (!admin.email || !admin.password) return 'skipped';
  if ((await prisma.client.user.count()) > 0) return 'skipped';
  const email = admin.email.toLowerCase();
  const passwordHash = await hasher.hash(admin.password);
  // A concurrent start may have created it first: the unique email makes this idempotent.
  const created = await prisma.client.user
    .create({ data: { email, passwordHash, role: 'owner' } })
    .then(() => true)
    .catch((error: { code?: string }) => {
      if (error.code === 'P2002') return false;
      throw error;
    });
  if (created) logger.info({ email }, 'created the owner account from ADMIN_EMAIL');
  return created ? 'created' : 'skipped';
}
