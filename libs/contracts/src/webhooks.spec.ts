import { describe, expect, it } from 'vitest';
import { toFieldErrors } from './errors';
import { createWebhookSchema, updateWebhookSchema, WEBHOOK_EVENT_TYPES, webhookEventSchema, webhookUrlProblem } from './webhooks';

const errorsOf = (result: { success: boolean; error?: Parameters<typeof toFieldErrors>[0] }) => (result.error ? toFieldErrors(result.error) : []);

describe('webhook URLs', () => {
  const cases: [string, string | null][] = [
    ['https://hooks.example.com/fanout', null],
    ['https://hooks.example.com:8443/in?token=abc', null],
    ['http://192.168.1.20:8123/api/webhook/x', null],
    ['https://[::1]/in', null],
    ['ftp://hooks.example.com/', 'Use an https:// URL'],
    ['rtmp://hooks.example.com/', 'Use an https:// URL'],
    ['hooks.example.com/in', 'Use an https:// URL'],
    ['https://user:secret@hooks.example.com/', 'Leave the user name and password out of the URL'],
    ['https://hooks.example.com/#x', 'Leave the #fragment out of the URL'],
    ['https://hooks.example.com/a b', 'Remove spaces and control characters'],
    ['https://hooks.example.com/\n', 'Remove spaces and control characters'],
  ];
  for (const [url, problem] of cases) {
    it(`${problem === null ? 'accepts' : 'refuses'} ${JSON.stringify(url)}`, () => expect(webhookUrlProblem(url)).toBe(problem));
  }
});

describe('createWebhookSchema', () => {
  it('defaults description and enabled, and lists events once in the canonical order', () => {
    expect(createWebhookSchema.parse({ url: ' https://hooks.example.com/in ', events: ['stream.ended', 'stream.live', 'stream.ended'] })).toEqual({
      url: 'https://hooks.example.com/in',
      events: ['stream.live', 'stream.ended'],
      description: '',
      enabled: true,
    });
  });

  it('names the bad field', () => {
    expect(errorsOf(createWebhookSchema.safeParse({ url: 'https://h.example/', events: [] }))).toEqual([{ path: 'events', message: 'Choose at least one event' }]);
    expect(errorsOf(createWebhookSchema.safeParse({ url: 'https://h.example/', events: ['clip.ready'] }))).toEqual([{ path: 'events.0', message: 'Choose events from the list' }]);
    expect(errorsOf(createWebhookSchema.safeParse({ events: ['stream.live'] }))[0]?.path).toBe('url');
    expect(errorsOf(createWebhookSchema.safeParse({ url: 'https://h.example/', events: ['stream.live'], description: 'x'.repeat(201) }))).toEqual([{ path: 'description', message: 'Use at most 200 characters' }]);
    expect(errorsOf(createWebhookSchema.safeParse({ url: 'https://h.example/', events: ['stream.live'], secret: 'whsec_x' }))[0]?.path).toBe('(body)');
  });

  it('takes every event type of the list', () => {
    expect(createWebhookSchema.parse({ url: 'https://h.example/', events: [...WEBHOOK_EVENT_TYPES].reverse() }).events).toEqual([...WEBHOOK_EVENT_TYPES]);
  });
});

describe('updateWebhookSchema', () => {
  it('takes any subset, and an empty body', () => {
    expect(updateWebhookSchema.parse({})).toEqual({});
    expect(updateWebhookSchema.parse({ enabled: false })).toEqual({ enabled: false });
    expect(errorsOf(updateWebhookSchema.safeParse({ secret: 'x' }))[0]?.path).toBe('(body)');
  });
});

describe('webhookEventSchema', () => {
  it('reads an event a newer server sends, fields it does not know included', () => {
    const event = { id: 'e1', type: 'clip.ready', timestamp: '2026-12-03T10:00:00.000Z', data: { stream: { id: 's1', name: 'Main' }, clip: { id: 'c1' } } };
    expect(webhookEventSchema.parse(event)).toEqual(event);
  });
});
