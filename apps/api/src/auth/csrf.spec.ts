import { describe, expect, it } from 'vitest';
import { assertSameOrigin, type OriginFacts } from './csrf';

const base: OriginFacts = { method: 'POST', origin: undefined, referer: undefined, hosts: ['fanout.example:3000'], protocol: 'http' };

describe('assertSameOrigin', () => {
  const cases: { name: string; facts: Partial<OriginFacts>; required?: boolean; ok: boolean }[] = [
    { name: 'same origin', facts: { origin: 'http://fanout.example:3000' }, ok: true },
    { name: 'same origin, different case', facts: { origin: 'http://FANOUT.example:3000' }, ok: true },
    { name: 'https page to a TLS-terminating proxy', facts: { origin: 'https://fanout.example', hosts: ['fanout.example'], protocol: 'http' }, ok: true },
    { name: 'default port written out in Host', facts: { origin: 'https://fanout.example', hosts: ['fanout.example:443'], protocol: 'https' }, ok: true },
    { name: 'referer on this host when Origin is absent', facts: { referer: 'http://fanout.example:3000/streams/1?x=y' }, ok: true },
    { name: 'another host', facts: { origin: 'http://evil.example' }, ok: false },
    { name: 'another port', facts: { origin: 'http://fanout.example:4000' }, ok: false },
    { name: 'a suffix trick', facts: { origin: 'http://fanout.example:3000.evil.example' }, ok: false },
    { name: 'a userinfo trick in Referer', facts: { referer: 'http://fanout.example:3000@evil.example/' }, ok: false },
    { name: 'the null origin (sandboxed frame, file://)', facts: { origin: 'null' }, ok: false },
    { name: 'a non-http origin', facts: { origin: 'chrome-extension://abc' }, ok: false },
    { name: 'garbage', facts: { origin: 'not a url' }, ok: false },
    { name: 'Origin wins over a matching Referer', facts: { origin: 'http://evil.example', referer: 'http://fanout.example:3000/' }, ok: false },
    { name: 'no Origin or Referer, cookie-authenticated', facts: {}, ok: false },
    { name: 'no Origin or Referer, not cookie-authenticated', facts: {}, required: false, ok: true },
    { name: 'a foreign Origin even when not required', facts: { origin: 'http://evil.example' }, required: false, ok: false },
    { name: 'a safe method', facts: { method: 'GET', origin: 'http://evil.example' }, ok: true },
    { name: 'HEAD', facts: { method: 'HEAD' }, ok: true },
    { name: 'DELETE', facts: { method: 'DELETE', origin: 'http://evil.example' }, ok: false },
    { name: 'PATCH', facts: { method: 'PATCH' }, ok: false },
    { name: 'any of the candidate hosts (the proxy in another container)', facts: { origin: 'http://dash.example', hosts: ['api:4000', 'api:4000', 'dash.example'] }, ok: true },
    { name: 'none of the candidate hosts', facts: { origin: 'http://evil.example', hosts: ['api:4000', undefined, 'dash.example'] }, ok: false },
    { name: 'no usable host at all', facts: { origin: 'http://evil.example', hosts: [undefined, 'bad host/'] }, ok: false },
  ];
  for (const c of cases) {
    it(`${c.ok ? 'accepts' : 'refuses'} ${c.name}`, () => {
      const run = () => assertSameOrigin({ ...base, ...c.facts }, c.required ?? true);
      if (c.ok) expect(run).not.toThrow();
      else expect(run).toThrow(expect.objectContaining({ code: 'CSRF_ORIGIN_MISMATCH' }));
    });
  }
});
