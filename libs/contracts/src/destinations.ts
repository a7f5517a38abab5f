import { z } from 'zod';
import { platformIdSchema, platformPreset, type PlatformId } from './platforms';
import { failureReasonSchema } from './status';
import { nameSchema } from './text';

export const DESTINATION_URL_MAX = 2048;
export const DESTINATION_KEY_MAX = 512;

/** True for an `rtmp://` or `rtmps://` URL that names a server (what the engine can dial). */
export function isRtmpServerUrl(value: string): boolean {
  if (/[\s\p{Cc}\p{Cs}]/u.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'rtmp:' || url.protocol === 'rtmps:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Whether a platform's preset names a server, so a destination may leave `url` out. */
export function platformHasDefaultUrl(platform: PlatformId): boolean {
  return isRtmpServerUrl(platformPreset(platform).urlTemplate);
}

export const destinationNameSchema = nameSchema('Give the destination a name');

export const destinationUrlSchema = z
  .string()
  .trim()
  .max(DESTINATION_URL_MAX, `Use at most ${DESTINATION_URL_MAX} characters`)
  .refine(isRtmpServerUrl, 'Use an rtmp:// or rtmps:// URL with a server name');

/**
 * A platform's stream key: printable ASCII without spaces (it becomes the last path segment
 * of the RTMP URL). This also refuses the masked form (`••••1a2b`) a form might echo back.
 */
export const destinationKeySchema = z
  .string()
  .trim()
  .min(1, 'Enter the stream key')
  .max(DESTINATION_KEY_MAX, `Use at most ${DESTINATION_KEY_MAX} characters`)
  .regex(/^[\x21-\x7E]+$/, 'Paste the key exactly as the platform shows it');

/** `POST /api/streams/:id/destinations`. `url` defaults to the platform's server, where it has one. */
export const createDestinationSchema = z
  .strictObject({
    name: destinationNameSchema,
    platform: platformIdSchema,
    url: destinationUrlSchema.optional(),
    streamKey: destinationKeySchema,
    enabled: z.boolean().default(true),
  })
  .superRefine((input, ctx) => {
    if (input.url === undefined && platformIdSchema.safeParse(input.platform).success && !platformHasDefaultUrl(input.platform)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'Enter the server URL for this platform' });
    }
  });
export type CreateDestinationInput = z.input<typeof createDestinationSchema>;

/**
 * `PATCH /api/destinations/:id`: any subset; leave `streamKey` out to keep the saved key. A new
 * server (scheme, host or port) needs the key again, so a saved key never follows the URL to
 * another server (400 naming `streamKey`).
 */
export const updateDestinationSchema = z.strictObject({
  name: destinationNameSchema.optional(),
  platform: platformIdSchema.optional(),
  url: destinationUrlSchema.optional(),
  streamKey: destinationKeySchema.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateDestinationInput = z.input<typeof updateDestinationSchema>;

/** A destination as the API shows it: the key only ever masked (`••••••••1a2b`). */
export const destinationSchema = z.object({
  id: z.string(),
  streamId: z.string(),
  name: z.string(),
  platform: platformIdSchema,
  url: z.string(),
  /** The last 4 characters after 8 bullets, or 8 bullets alone for keys shorter than 12. */
  streamKeyMasked: z.string(),
  enabled: z.boolean(),
  /** E.g. the server is on a private network (allowed for owners and admins, shown to them). */
  warnings: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Destination = z.infer<typeof destinationSchema>;

/** `GET /api/streams/:id/destinations`: a stream's destinations, oldest first. */
export const destinationListSchema = z.array(destinationSchema);

/**
 * `POST /api/destinations/:id/test`: connect, handshake and publish with the key, then
 * unpublish at once without sending media. `reason` uses the status vocabulary (members see
 * `unreachable` for every connection failure, as in the live status).
 */
export const destinationTestResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), at: z.string(), elapsedMs: z.number() }),
  z.object({ ok: z.literal(false), at: z.string(), elapsedMs: z.number(), reason: failureReasonSchema, message: z.string() }),
]);
export type DestinationTestResult = z.infer<typeof destinationTestResultSchema>;
