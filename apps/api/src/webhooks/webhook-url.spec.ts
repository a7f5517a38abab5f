import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import type { HostResolver } from '../net/destination-lookup';
import { AddressNotAllowedError, judgeWebhookTarget, PlaintextToPublicError, webhookLookup, webhookTarget, type WebhookTarget } from './webhook-url';

function resolver(table: Record<string, LookupAddress[]>): Pick<HostResolver, 'resolveAll'> {
  return {
    resolveAll(hostname, _options, callback) {
      const answer = table[hostname];
      if (!answer) callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      else callback(null, answer);
    },
  };
}

function ask(lookup: ReturnType<typeof webhookLookup>, host: string, all: boolean): Promise<{ error: NodeJS.ErrnoException | null; result: unknown }> {
  return new Promise((resolve) => {
    (lookup as (h: string, o: object, c: (e: NodeJS.ErrnoException | null, r: unknown) => void) => void)(host, { all }, (error, result) => resolve({ error, result }));
  });
}

const TABLE = {
  'hooks.example': [{ address: '93.184.216.34', family: 4 }],
  'rebind.example': [{ address: '127.0.0.1', family: 4 }],
  'lan.example': [{ address: '192.168.1.20', family: 4 }],
  'split.example': [
    { address: '192.168.1.20', family: 4 },
    { address: '93.184.216.34', family: 4 },
  ],
};

const target = (url: string): WebhookTarget => webhookTarget(url)!;

describe('webhook URLs', () => {
  it('parse into the host and port connected to, shorthands canonical', () => {
    expect(webhookTarget('https://Hooks.Example/in?x=1')).toEqual({ protocol: 'https', host: 'hooks.example', port: 443, path: '/in?x=1' });
    expect(webhookTarget('http://[::1]:8080/')).toEqual({ protocol: 'http', host: '::1', port: 8080, path: '/' });
    expect(webhookTarget('http://2130706433/')?.host).toBe('127.0.0.1');
    expect(webhookTarget('http://0x7f.1/')?.host).toBe('127.0.0.1');
    for (const bad of ['ftp://hooks.example/', 'https://user:pass@hooks.example/', 'https://hooks.example/#frag', 'hooks.example/in', 'https://hooks.example/a b']) expect(webhookTarget(bad), bad).toBeNull();
  });

  it('refuse private, loopback, link-local and metadata literals unless the URL setter may use them, as destinations do', () => {
    for (const url of ['https://169.254.169.254/latest', 'https://10.0.0.1/', 'https://[::1]/', 'https://2130706433/', 'https://localhost:6379/', 'https://[::ffff:127.0.0.1]/', 'https://100.64.0.1/']) {
      expect(judgeWebhookTarget(target(url), false).refusal, url).toMatch(/only owners and admins may send to private addresses$/);
      const allowed = judgeWebhookTarget(target(url), true);
      expect(allowed.refusal, url).toBeNull();
      expect(allowed.warnings[0], url).toMatch(/Fanout connects to it from inside its own network/);
    }
    expect(judgeWebhookTarget(target('https://hooks.example/'), false)).toEqual({ refusal: null, warnings: [] });
    expect(judgeWebhookTarget(target('https://93.184.216.34/'), false)).toEqual({ refusal: null, warnings: [] });
  });

  it('take plain http only to a private address, and say it is unencrypted', () => {
    expect(judgeWebhookTarget(target('http://93.184.216.34/in'), true).refusal).toMatch(/use https:\/\/ for one on the internet/);
    expect(judgeWebhookTarget(target('http://hooks.example/in'), false).refusal).toMatch(/only owners and admins/);
    const lan = judgeWebhookTarget(target('http://127.0.0.1:9000/in'), true);
    expect(lan.refusal).toBeNull();
    expect(lan.warnings).toEqual([expect.stringContaining('loopback'), expect.stringContaining('plain http')]);
    expect(judgeWebhookTarget(target('http://hooks.lan/in'), true)).toEqual({ refusal: null, warnings: [expect.stringContaining('plain http')] });
  });
});

describe('webhookLookup', () => {
  it('pins https deliveries to the checked addresses, refusing a name that rebinds to loopback', async () => {
    const lookup = webhookLookup(resolver(TABLE), false, false);
    expect(await ask(lookup, 'hooks.example', true)).toEqual({ error: null, result: TABLE['hooks.example'] });
    expect((await ask(lookup, 'rebind.example', false)).error).toBeInstanceOf(AddressNotAllowedError);
    expect((await ask(webhookLookup(resolver(TABLE), true, false), 'rebind.example', false)).result).toBe('127.0.0.1');
  });

  it('lets plain http reach only private addresses, whatever the name says', async () => {
    const lookup = webhookLookup(resolver(TABLE), true, true);
    expect((await ask(lookup, 'lan.example', false)).result).toBe('192.168.1.20');
    for (const all of [true, false]) {
      expect((await ask(lookup, 'hooks.example', all)).error, String(all)).toBeInstanceOf(PlaintextToPublicError);
    }
    expect((await ask(lookup, 'split.example', true)).error).toBeInstanceOf(PlaintextToPublicError);
    expect((await ask(lookup, 'nowhere.example', true)).error?.code).toBe('ENOTFOUND');
  });
});
