import { describe, expect, it } from 'vitest';
import { type AddressClass, classifyAddress, judgeHost, parseIpLiteral, parseIpv4, parseIpv6 } from './address-policy';

const dotted = (host: string) => {
  const ip = parseIpLiteral(host);
  if (!ip) return null;
  return ip.family === 4 ? [...ip.bytes].join('.') : [...ip.bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
};

describe('parseIpv4 (every form inet_aton accepts)', () => {
  const cases: [string, string | null][] = [
    ['127.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0X7F000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7f.0.0.0x1', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['10.0.0.1', '10.0.0.1'],
    ['167772161', '10.0.0.1'],
    ['169.254.43518', '169.254.169.254'],
    ['0', '0.0.0.0'],
    ['8.8.8.8', '8.8.8.8'],
    ['256.0.0.1', null],
    ['1.2.3.4.5', null],
    ['1..2', null],
    ['4294967296', null],
    ['1.16777216', null],
    ['08.0.0.1', null],
    ['0x7g.0.0.1', null],
    ['example.com', null],
    ['', null],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected ?? 'not an address'}`, () => {
      const ip = parseIpv4(input);
      expect(ip === null ? null : [...ip.bytes].join('.')).toBe(expected);
    });
  }
});

describe('parseIpv6', () => {
  const cases: [string, string | null][] = [
    ['::1', '00000000000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['0:0:0:0:0:0:0:1', '00000000000000000000000000000001'],
    ['::ffff:127.0.0.1', '00000000000000000000ffff7f000001'],
    ['::ffff:7f00:1', '00000000000000000000ffff7f000001'],
    ['::127.0.0.1', '0000000000000000000000007f000001'],
    ['fe80::1%eth0', 'fe800000000000000000000000000001'],
    ['2001:db8::8a2e:370:7334', '20010db80000000000008a2e03707334'],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
    ['1:2:3:4:5:6:7:8:9', null],
    ['1::2::3', null],
    ['12345::1', null],
    [':::1', null],
    ['::ffff:256.0.0.1', null],
    ['1:2:3:4:5:6:7::8', null],
    ['g::1', null],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected ?? 'not an address'}`, () => {
      const ip = parseIpv6(input);
      expect(ip === null ? null : [...ip.bytes].map((b) => b.toString(16).padStart(2, '0')).join('')).toBe(expected);
    });
  }

  it('accepts brackets in URL host form, and a trailing dot on IPv4', () => {
    expect(dotted('[::1]')).toBe('00000000000000000000000000000001');
    expect(dotted('127.0.0.1.')).toBe('127.0.0.1');
    expect(dotted('fanout.example')).toBeNull();
  });
});

describe('classifyAddress', () => {
  const cases: [string, AddressClass][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.20', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['142.250.74.110', 'public'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'ipv4-mapped'],
    ['::ffff:8.8.8.8', 'ipv4-mapped'],
    ['::127.0.0.1', 'reserved'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fd00:ec2::254', 'metadata'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001:0:4136:e378::1', 'reserved'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::808:808', 'public'],
    ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:0a00:0001::1', 'private'],
    ['2002:0808:0808::1', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
    ['2606:4700:4700::1111', 'public'],
  ];
  for (const [input, expected] of cases) {
    it(`${input} is ${expected}`, () => {
      expect(classifyAddress(parseIpLiteral(input)!)).toBe(expected);
    });
  }
});

describe('judgeHost', () => {
  /** Every form from the issue, and then some: none may pass for a member. */
  const refused = [
    '169.254.169.254',
    '10.0.0.1',
    '[::1]',
    '2130706433',
    '0x7f000001',
    '127.1',
    'localhost',
    'LOCALHOST.',
    'studio.localhost',
    '0177.0.0.1',
    '0',
    '0.0.0.0',
    '[::]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[fe80::1]',
    '[fd00:ec2::254]',
    '100.64.1.1',
    '224.0.0.1',
    '192.168.0.10',
    '172.20.0.3',
  ];
  for (const host of refused) {
    it(`refuses ${host} without allowPrivate and allows it with`, () => {
      expect(judgeHost(host, false)).toMatchObject({ allowed: false, addressClass: expect.any(String) });
      expect(judgeHost(host, true)).toMatchObject({ allowed: true, addressClass: expect.not.stringMatching(/^public$/) });
    });
  }

  it('allows public literals and leaves names to the connect-time check', () => {
    expect(judgeHost('8.8.8.8', false)).toEqual({ allowed: true, addressClass: 'public' });
    expect(judgeHost('a.rtmps.youtube.com', false)).toEqual({ allowed: true, addressClass: null });
    expect(judgeHost('10.0.0.1.nip.io', false)).toEqual({ allowed: true, addressClass: null });
  });
});
