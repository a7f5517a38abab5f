import { z } from 'zod';

/** Every mutation and sign-in event the audit log records, as `<target>.<verb>`. */
export const auditActionSchema = z.enum([
  'stream.create',
  'stream.update',
  'stream.delete',
  'stream.rotate-key',
  'stream.rotate-backup-key',
  'stream.input',
  'destination.create',
  'destination.update',
  'destination.delete',
  'destination.retry',
  'destination.test',
  'user.create',
  'user.update',
  'user.delete',
  'user.password-change',
  'auth.setup',
  'auth.login',
  'auth.login-failed',
  'auth.logout',
  'session.revoke',
  'token.create',
  'token.revoke',
  'recording.delete',
  'settings.update',
  'webhook.create',
  'webhook.update',
  'webhook.rotate-secret',
  'webhook.delete',
]);
export type AuditAction = z.infer<typeof auditActionSchema>;

export const auditTargetTypeSchema = z.enum(['stream', 'destination', 'user', 'session', 'token', 'recording', 'settings', 'webhook']);
export type AuditTargetType = z.infer<typeof auditTargetTypeSchema>;

/**
 * `GET /api/audit?cursor&limit&actorId&action` (owner/admin): newest first, optionally only
 * one user's entries and/or one action. Pass the same filters with the next page's cursor.
 */
export const auditQuerySchema = z.strictObject({
  /** `nextCursor` of the previous page. */
  cursor: z.uuid('Use the nextCursor of the previous page').optional(),
  limit: z.coerce.number().int('Use a whole number').min(1, 'Use at least 1').max(100, 'Use at most 100').default(50),
  /** Only entries by this user (a user id). */
  actorId: z.uuid('Use a user id').optional(),
  /** Only entries of this action, e.g. `stream.delete`. */
  action: auditActionSchema.optional(),
});
export type AuditQuery = z.input<typeof auditQuerySchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  /** Null once the acting user has been deleted. */
  actor: z.object({ id: z.string(), email: z.string() }).nullable(),
  // Strings rather than the enums: a client must still read entries written by a newer API.
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  /** What changed (names, roles, field lists); never a secret. */
  metadata: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;
