import { auditActionSchema, type AuditAction, type AuditEntry } from '@fanout/contracts';
import { reasonWords } from './destination-state';

/** Entries per page of the audit page. */
export const AUDIT_PAGE_SIZE = 50;

/** Each audit action as the log reads it. */
export const AUDIT_ACTION_TEXT: Record<AuditAction, string> = {
  'stream.create': 'Created stream',
  'stream.update': 'Changed stream',
  'stream.delete': 'Deleted stream',
  'stream.rotate-key': 'Rotated stream key',
  'stream.rotate-backup-key': 'Rotated backup stream key',
  'stream.input': 'Switched the on-air input',
  'recording.delete': 'Deleted recording',
  'settings.update': 'Changed instance settings',
  'destination.create': 'Added destination',
  'destination.update': 'Changed destination',
  'destination.delete': 'Deleted destination',
  'destination.retry': 'Retried destination now',
  'destination.test': 'Tested destination',
  'user.create': 'Created user',
  'user.update': 'Changed user',
  'user.delete': 'Deleted user',
  'user.password-change': 'Changed own password',
  'auth.setup': 'Set up Fanout',
  'auth.login': 'Signed in',
  'auth.login-failed': 'Sign-in failed',
  'auth.logout': 'Signed out',
  'session.revoke': 'Signed a session out',
  'token.create': 'Created API token',
  'token.revoke': 'Revoked API token',
  'webhook.create': 'Added webhook',
  'webhook.update': 'Changed webhook',
  'webhook.rotate-secret': 'Rotated webhook secret',
  'webhook.delete': 'Deleted webhook',
};

/** An action in words; one this dashboard does not know yet (a newer API) as it comes. */
export function actionText(action: string): string {
  const known = auditActionSchema.safeParse(action);
  return known.success ? AUDIT_ACTION_TEXT[known.data] : action;
}

const list = (v: unknown) => (Array.isArray(v) ? v.map(String).join(', ') : String(v));

/** The facts of an entry in a line: the target's name first, then what changed, never raw JSON. */
export function entryDetails(entry: Pick<AuditEntry, 'action' | 'metadata'>): { target: string | null; details: string[] } {
  const m = entry.metadata;
  const target = typeof m['name'] === 'string' ? m['name'] : typeof m['email'] === 'string' && entry.action !== 'auth.login-failed' ? m['email'] : null;
  const details: string[] = [];
  for (const [key, value] of Object.entries(m)) {
    if (value === null || value === undefined || key === 'name' || key === 'streamId' || key === 'userId' || (key === 'email' && target === value)) continue;
    if (key === 'changed') details.push(`changed ${list(value)}`);
    else if (key === 'ip') details.push(`from ${list(value)}`);
    else if (key === 'previousHost') details.push(`server moved from ${list(value)} to ${list(m['host'])}`);
    else if (key === 'host') continue;
    else if (key === 'ok') details.push(value === true ? 'succeeded' : 'failed');
    else if (key === 'reason') details.push(reasonWords(String(value)));
    else if (key === 'others') details.push('every other session');
    else if (key === 'count') details.push(`${list(value)} signed out`);
    else if (key === 'current') details.push(value === true ? 'this session' : 'another session');
    else if (key === 'state') details.push(`was ${list(value)}`);
    else details.push(`${key}: ${list(value)}`);
  }
  return { target, details };
}
