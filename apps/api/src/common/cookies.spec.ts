import { describe, expect, it } from 'vitest';
import { parseCookies, serializeCookie } from './cookies';

describe('parseCookies', () => {
  const cases: { name: string; header: string | undefined; cookies: Record<string, string> }[] = [
    { name: 'no header', header: undefined, cookies: {} },
    { name: 'empty header', header: '', cookies: {} },
    { name: 'one cookie', header: 'fanout_session=abc', cookies: { fanout_session: 'abc' } },
    { name: 'several, with spaces', header: 'a=1; fanout_session=x-y_z ;b=2', cookies: { a: '1', fanout_session: 'x-y_z', b: '2' } },
    { name: 'value containing =', header: 'a=b=c', cookies: { a: 'b=c' } },
    { name: 'quoted value', header: 'a="quoted"', cookies: { a: 'quoted' } },
    { name: 'percent-encoded value', header: 'a=hello%20world', cookies: { a: 'hello world' } },
    { name: 'malformed percent-encoding kept as is', header: 'a=%E0%A4%A', cookies: { a: '%E0%A4%A' } },
    { name: 'pairs without = or name are skipped', header: 'junk; =v; a=1', cookies: { a: '1' } },
    { name: 'first duplicate wins', header: 'a=first; a=second', cookies: { a: 'first' } },
    { name: 'empty value', header: 'a=', cookies: { a: '' } },
  ];
  for (const c of cases) {
    it(`parses ${c.name}`, () => {
      expect(Object.fromEntries(parseCookies(c.header))).toEqual(c.cookies);
    });
  }
});

describe('serializeCookie', () => {
  it('writes every attribute of the session cookie', () => {
    expect(serializeCookie('fanout_session', 'tok', { maxAge: 2_592_000, path: '/', httpOnly: true, secure: true, sameSite: 'Lax' })).toBe(
      'fanout_session=tok; Max-Age=2592000; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
  });

  it('leaves Secure off when not asked', () => {
    expect(serializeCookie('a', 'b', { path: '/', sameSite: 'Lax' })).toBe('a=b; Path=/; SameSite=Lax');
  });

  it('deletes with Max-Age=0 and an Expires in the past', () => {
    expect(serializeCookie('a', '', { maxAge: 0, path: '/' })).toBe('a=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/');
  });

  it('refuses values that would need escaping, so a header cannot be split or extended', () => {
    expect(() => serializeCookie('a', 'x; Domain=evil.example')).toThrow(TypeError);
    expect(() => serializeCookie('a', 'x\r\nSet-Cookie: b=c')).toThrow(TypeError);
    expect(() => serializeCookie('a b', 'x')).toThrow(TypeError);
    expect(() => serializeCookie('a', 'x', { maxAge: 1.5 })).toThrow(TypeError);
  });

  it('round-trips through parseCookies', () => {
    const token = 'Zm9vYmFy-_09AZaz';
    const set = serializeCookie('fanout_session', token, { path: '/' });
    expect(parseCookies(set.split(';')[0]).get('fanout_session')).toBe(token);
  });
});
