import { z } from 'zod';

/** Every API error body: a stable code, a human message, and field errors for validation failures. */
export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const apiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  errors: z.array(fieldErrorSchema).optional(),
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
