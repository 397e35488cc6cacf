// The C library family comes from our own memory maps (cheap) and must agree with the process
// report (authoritative, ≈4 ms) on this machine; the parser must tell musl from glibc maps.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { currentHost, hostGlibcVersion, libcFromMaps } from '../../../src/binary/host.js';

const GLIBC_MAPS = `7f45-7f46 r--p 00000000 fe:00 339380    /usr/lib/x86_64-linux-gnu/libc.so.6
7f47-7f48 r-xp 00000000 fe:00 339381    /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2`;
const OLD_GLIBC_MAPS = '7f45-7f46 r-xp 00000000 08:01 1234    /lib64/libc-2.17.so';
const MUSL_MAPS = `55d0-55d1 r--p 00000000 00:2f 100    /usr/local/bin/node
7f10-7f11 r-xp 00000000 00:2f 200    /lib/ld-musl-x86_64.so.1`;

describe('C library of the host', () => {
  it('reads glibc (new and old file names) and musl from memory maps, and nothing from maps naming neither', () => {
    expect(libcFromMaps(GLIBC_MAPS)).toBe('glibc');
    expect(libcFromMaps(OLD_GLIBC_MAPS)).toBe('glibc');
    expect(libcFromMaps(MUSL_MAPS)).toBe('musl');
    expect(libcFromMaps('7f10-7f11 r-xp 00000000 00:2f 200    /usr/lib/libc.so.60-not-it')).toBeUndefined();
    expect(libcFromMaps('')).toBeUndefined();
  });

  it.skipIf(process.platform !== 'linux')('agrees with the process report on this machine', () => {
    expect(libcFromMaps(readFileSync('/proc/self/maps', 'latin1'))).toBe(hostGlibcVersion() ? 'glibc' : 'musl');
    expect(currentHost().libc).toBe(hostGlibcVersion() ? 'glibc' : 'musl');
  });
});
