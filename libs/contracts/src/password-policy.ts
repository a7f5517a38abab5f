import { z } from 'zod';
import { COMMON_PASSWORDS } from './common-passwords';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

const COMMON = new Set(COMMON_PASSWORDS);

/**
 * Why a new password is refused, or null when it is fine. One rule set for the API, the
 * dashboard's forms and ADMIN_PASSWORD (OWASP ASVS 2.1 / NIST SP 800-63B: a length floor, no
 * composition rules, a block list of common and context-specific passwords).
 */
export function passwordProblem(password: string): string | null {
  if ([...password].length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters`;
  if (password.trim() === '') return 'Use something other than spaces';
  const folded = password.toLowerCase().replace(/\s+/g, '');
  if (/^(.)\1*$/su.test(folded)) return 'Use more than one repeated character';
  if (COMMON.has(folded)) return 'This password is too common; choose another';
  return null;
}

/** A new password (setup, new users, password changes): the policy above, one message per field. */
export const passwordSchema = z.string().superRefine((password, ctx) => {
  const problem = passwordProblem(password);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});
