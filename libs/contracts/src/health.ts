import { z } from 'zod';

export const componentStatusSchema = z.object({
  status: z.enum(['ok', 'down']),
  detail: z.string().optional(),
});

/** `GET /api/health`: overall status plus one entry per component. */
export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptimeS: z.number().nonnegative(),
  database: componentStatusSchema.extend({ embedded: z.boolean() }),
  rtmp: componentStatusSchema.extend({ port: z.number().int(), connections: z.number().int().nonnegative() }),
});

export type Health = z.infer<typeof healthSchema>;
