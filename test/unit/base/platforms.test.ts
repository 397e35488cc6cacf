import { describe, expect, it } from 'vitest';
import { PLATFORMS, describeHost, platformForHost, type HostDescription } from '../../../platforms.js';

const IDS = ['darwin-arm64', 'darwin-x64', 'linux-x64', 'linux-arm64', 'linux-arm', 'win32-x64'];

describe('PLATFORMS', () => {
  it('has exactly the five supported ids', () => {
    expect(PLATFORMS.map((p) => p.id).sort()).toEqual([...IDS].sort());
  });

  it.each(IDS)('%s has consistent names', (id) => {
    const p = PLATFORMS.find((x) => x.id === id)!;
    const [os, cpu] = id.split('-');
    expect(p.os).toBe(os);
    expect(p.cpu).toBe(cpu);
    expect(p.packageName).toBe(`@nanobpm/c8ctl-plugin-nano-${id}`);
    const exe = os === 'win32' ? '.exe' : '';
    expect(p.asset).toBe(`nanobpm-gateway-rest-server-${id}${exe}`);
    expect(p.binaryName).toBe(`nanobpm-gateway-rest-server${exe}`);
    if (os === 'linux') expect(p.libc).toBe('glibc');
    else expect(p).not.toHaveProperty('libc');
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(PLATFORMS)).toBe(true);
  });
});

describe('platformForHost', () => {
  it.each(PLATFORMS.map((p) => [p.id, p] as const))('finds %s', (_id, p) => {
    const host: HostDescription = { platform: p.os, arch: p.cpu, libc: p.libc };
    const r = platformForHost(host);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.platform).toBe(p);
  });

  it('chooses linux-arm on a 32-bit ARM Node built for armv7 or later', () => {
    for (const armVersion of ['7', '8', undefined]) {
      const r = platformForHost({ platform: 'linux', arch: 'arm', libc: 'glibc', armVersion });
      expect(r.ok && r.platform.packageName).toBe('@nanobpm/c8ctl-plugin-nano-linux-arm');
    }
    expect(platformForHost({ platform: 'linux', arch: 'arm', libc: 'glibc', armVersion: '6' }).ok).toBe(false);
  });

  it('names linux-arm with its ARM version in the supported list', () => {
    const r = platformForHost({ platform: 'sunos', arch: 'x64' });
    expect(!r.ok && r.message).toContain('linux-arm (armv7+, glibc)');
  });

  it('matches a Linux host whose libc is unknown', () => {
    const r = platformForHost({ platform: 'linux', arch: 'arm64' });
    expect(r.ok && r.platform.id).toBe('linux-arm64');
  });

  it.each<[string, HostDescription, string]>([
    ['linux x64 musl', { platform: 'linux', arch: 'x64', libc: 'musl' }, 'linux-x64 (musl)'],
    ['freebsd x64', { platform: 'freebsd', arch: 'x64' }, 'freebsd-x64'],
    ['linux ia32', { platform: 'linux', arch: 'ia32', libc: 'glibc' }, 'linux-ia32 (glibc)'],
    [
      'an armv6 board (npm would install the arm package there)',
      { platform: 'linux', arch: 'arm', libc: 'glibc', armVersion: '6' },
      'linux-arm armv6 (glibc)',
    ],
  ])('rejects %s, naming the host and the supported ids', (_name, host, described) => {
    const r = platformForHost(host);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(describeHost(host)).toBe(described);
    expect(r.message).toContain(`(${described})`);
    for (const id of IDS) expect(r.message).toContain(id);
  });
});
