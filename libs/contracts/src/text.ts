import { z } from 'zod';

/**
 * Characters no name needs and some storage or display refuses or abuses: C0/C1 controls (a NUL
 * is an error in PostgreSQL text), lone surrogates (not valid UTF-8), line and paragraph
 * separators, and the bidirectional overrides that reorder what a reader sees ("Trojan Source").
 */
const UNSAFE_TEXT = /[\p{Cc}\p{Cs}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

export function hasUnsafeCharacters(value: string): boolean {
  return UNSAFE_TEXT.test(value);
}

export const UNSAFE_TEXT_MESSAGE = 'Remove control characters';

/** A display name (stream, destination, token): trimmed, 1-100 characters, no control characters. */
export function nameSchema(emptyMessage: string) {
  return z
    .string()
    .trim()
    .min(1, emptyMessage)
    .max(100, 'Use at most 100 characters')
    .refine((value) => !hasUnsafeCharacters(value), UNSAFE_TEXT_MESSAGE);
}
