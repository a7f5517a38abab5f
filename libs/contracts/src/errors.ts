import { z } from 'zod';

/**
 * Every code the API answers errors with. The API maps each to exactly one HTTP status
 * (apps/api/src/http-exception.filter.ts); clients switch on the code, never on the message.
 */
export const errorCodeSchema = z.enum([
  /** The body is not JSON, or not the JSON this route takes (400). */
  'BAD_REQUEST',
  /** A field failed its schema; see `errors` (400). */
  'VALIDATION_FAILED',
  /** No valid session cookie or bearer token (401). */
  'UNAUTHENTICATED',
  /** Wrong email or password; deliberately the same either way (401). */
  'INVALID_CREDENTIALS',
  /** Signed in, but the role may not do this (403). */
  'FORBIDDEN',
  /** A cookie-authenticated change came from another site (403). */
  'CSRF_ORIGIN_MISMATCH',
  'NOT_FOUND',
  'CONFLICT',
  /** `POST /api/auth/setup` after the first user exists (409). */
  'SETUP_DONE',
  /** `POST /api/users` with an email another account already has (409). */
  'EMAIL_TAKEN',
  /** The change would leave no owner: demoting or deleting the last one (409). */
  'LAST_OWNER',
  /** `DELETE /api/users/:id` on your own account (409). */
  'CANNOT_DELETE_SELF',
  /** A per-stream or per-user cap is reached, e.g. MAX_DESTINATIONS_PER_STREAM (409). */
  'LIMIT_REACHED',
  /** The Host header names none of PUBLIC_HOSTS (DNS rebinding defence) (403). */
  'HOST_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  /** Too many attempts; `retryAfterS` and the `Retry-After` header say when to retry (429). */
  'RATE_LIMITED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** Every API error body: a stable code, a human message, and field errors for validation failures. */
export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const apiErrorSchema = z.object({
  // A string, not the enum: a client must still read errors from newer APIs and from proxies.
  code: z.string(),
  message: z.string(),
  errors: z.array(fieldErrorSchema).optional(),
  retryAfterS: z.number().int().nonnegative().optional(),
});

export type FieldError = z.infer<typeof fieldErrorSchema>;
export type ApiError = z.infer<typeof apiErrorSchema>;

/** Flatten a zod error into `{path, message}` pairs, with dotted paths (`destinations.0.url`). */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}
