// The header check run before any engine or ProcessOS binary: which files may run on which host, and
// what the refusal says. Pure; the bytes come from the same fakes the release-script tests use.
import { describe, expect, it } from 'vitest';
import { cannotRunHere, platformIdOf } from '../../../src/binary/executable-format.js';
import { resolveProcessos } from '../../../src/processos/resolve.js';
import { elf64, macho64, pe, textFile, universalMacho } from '../../support/fake-binaries.js';

const LINUX_X64 = { platform: 'linux', arch: 'x64' };
const MAC_ARM = { platform: 'darwin', arch: 'arm64' };
const MAC_X64 = { platform: 'darwin', arch: 'x64' };
const WIN_X64 = { platform: 'win32', arch: 'x64' };

describe('cannotRunHere', () => {
  it.each([
    ['an x64 ELF on x64 Linux', elf64('x64'), LINUX_X64],
    ['an arm64 Mach-O on arm64 macOS', macho64('arm64'), MAC_ARM],
    ['an x64 Mach-O on arm64 macOS (Rosetta 2)', macho64('x64'), MAC_ARM],
    ['a universal Mach-O on x64 macOS', universalMacho(['x64', 'arm64']), MAC_X64],
    ['an x64 PE on x64 Windows', pe('x64'), WIN_X64],
    [
      'a #! script anywhere (the test stand-ins are these)',
      Buffer.from('#!/usr/bin/env node\nconsole.log(1)\n'),
      LINUX_X64,
    ],
  ])('lets %s run', (_label, head, host) => {
    expect(cannotRunHere(head, host)).toBeNull();
  });

  it.each([
    [
      'an arm64 ELF on x64 Linux',
      elf64('arm64'),
      LINUX_X64,
      'is built for arm64 Linux (ELF), but this host is x64 Linux',
    ],
    ['an ELF header alone (64 bytes)', elf64('arm64').subarray(0, 64), LINUX_X64, 'is built for arm64 Linux (ELF)'],
    ['an x64 ELF on arm64 macOS', elf64('x64'), MAC_ARM, 'is built for x64 Linux (ELF), but this host is arm64 macOS'],
    ['a Mach-O on Linux', macho64('x64'), LINUX_X64, 'is built for x64 macOS (Mach-O), but this host is x64 Linux'],
    [
      'a universal Mach-O on Linux',
      universalMacho(['x64', 'arm64']),
      LINUX_X64,
      'is built for x64 + arm64 macOS (Mach-O universal), but this host is x64 Linux',
    ],
    ['a PE on Linux', pe('x64'), LINUX_X64, 'is built for x64 Windows (PE), but this host is x64 Linux'],
    [
      'an arm64 PE on x64 Windows',
      pe('arm64'),
      WIN_X64,
      'is built for arm64 Windows (PE), but this host is x64 Windows',
    ],
    [
      'an arm64 Mach-O on x64 macOS (no Rosetta backwards)',
      macho64('arm64'),
      MAC_X64,
      'is built for arm64 macOS (Mach-O), but this host is x64 macOS',
    ],
    ['an HTML page', textFile(), LINUX_X64, 'is not an executable: it has no ELF, Mach-O or PE header and no #! line'],
    ['an empty file', Buffer.alloc(0), LINUX_X64, 'is not an executable'],
  ])('refuses %s', (_label, head, host, why) => {
    expect(cannotRunHere(head, host)).toContain(why);
  });

  it('names the platform id of the engine to use instead', () => {
    expect(platformIdOf(LINUX_X64)).toBe('linux-x64');
    expect(platformIdOf(MAC_ARM)).toBe('darwin-arm64');
  });
});

describe('resolveProcessos and the header', () => {
  const inputs = (head: Buffer) => ({
    env: {},
    cwd: '/cwd',
    homedir: '/home/u',
    platform: 'linux' as const,
    arch: 'x64',
    fileKind: () => 'executable' as const,
    readHead: () => head,
    prog: 'c8ctl-processos',
  });

  it('refuses an explicit binary for another CPU, naming it, the host and the fix', () => {
    expect(() => resolveProcessos({ ...inputs(elf64('arm64')), flag: 'pos' })).toThrow(
      '/cwd/pos is built for arm64 Linux (ELF), but this host is x64 Linux. Use the linux-x64 build of ProcessOS: c8ctl-processos set bin <its path> (this came from --binary).',
    );
  });

  it('accepts a #! script and a native binary', () => {
    expect(resolveProcessos({ ...inputs(Buffer.from('#!/bin/sh\n')), flag: 'pos' }).path).toBe('/cwd/pos');
    expect(resolveProcessos({ ...inputs(elf64('x64')), env: { PROCESSOS_BINARY: '/p' } }).source).toBe('env');
  });

  it('skips a local build for another platform rather than running it', () => {
    expect(() => resolveProcessos(inputs(pe('x64')))).toThrow('No ProcessOS binary found');
  });
});
