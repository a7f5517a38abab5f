import { describe, expect, it } from 'vitest';
import { allowedHosts, hostNameOf, isAllowedHost, machineIdentity } from './public-hosts';

const MACHINE = { hostname: 'studio-box', addresses: ['127.0.0.1', '192.168.1.20', '::1', 'fe80::1%eth0', 'fd00::20'] };

describe('hostNameOf', () => {
  it('drops the port and a trailing dot, lower-cases, keeps IPv6 brackets', () => {
    expect(hostNameOf('Fanout.Example.com:3000')).toBe('fanout.example.com');
    expect(hostNameOf('fanout.example.com.')).toBe('fanout.example.com');
    expect(hostNameOf('[::1]:4000')).toBe('[::1]');
    expect(hostNameOf('192.168.1.20')).toBe('192.168.1.20');
    expect(hostNameOf('')).toBeNull();
    expect(hostNameOf(undefined)).toBeNull();
    expect(hostNameOf('::1')).toBeNull(); // unbracketed IPv6 is no valid Host
  });
});

describe('allowedHosts and isAllowedHost', () => {
  it("defaults to loopback plus the machine's own name and addresses", () => {
    const list = allowedHosts(undefined, MACHINE);
    expect(list).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '[::1]', 'studio-box', '192.168.1.20', '[fe80::1]', '[fd00::20]']));
    expect(isAllowedHost('studio-box:3000', list)).toBe(true);
    expect(isAllowedHost('192.168.1.20:3000', list)).toBe(true);
    expect(isAllowedHost('rebind.attacker.example:3000', list)).toBe(false);
    expect(isAllowedHost(undefined, list)).toBe(false);
  });

  it('takes PUBLIC_HOSTS instead of the machine names, always keeping loopback and PUBLIC_HOST', () => {
    const list = allowedHosts('fanout.example.com, *.lan.example', MACHINE, 'live.example.com');
    expect(isAllowedHost('fanout.example.com', list)).toBe(true);
    expect(isAllowedHost('cam.lan.example', list)).toBe(true);
    expect(isAllowedHost('lan.example', list)).toBe(false);
    expect(isAllowedHost('evil-lan.example', list)).toBe(false);
    expect(isAllowedHost('live.example.com:3000', list)).toBe(true);
    expect(isAllowedHost('localhost:3000', list)).toBe(true);
    expect(isAllowedHost('studio-box', list)).toBe(false);
    expect(isAllowedHost('anything', allowedHosts('*', MACHINE))).toBe(true);
  });

  it("reads the machine's identity from something shaped like node:os", () => {
    expect(machineIdentity({ hostname: () => 'h', networkInterfaces: () => ({ lo: [{ address: '127.0.0.1' }], eth0: undefined }) })).toEqual({ hostname: 'h', addresses: ['127.0.0.1'] });
  });
});
