// Pure pieces of distribution: executable headers, templates agreeing with the platform table, why a
// platform package is missing, and when the engine does not match the manifest.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../../platforms.js';
import { executableProblem, inspectExecutable } from '../../../src/binary/executable-format.js';
import { versionMismatch, type BinaryManifest } from '../../../src/binary/manifest.js';
import { explainMissingPackage } from '../../../src/binary/missing-package.js';

const platform = (id: string) => PLATFORMS.find((p) => p.id === id)!;

function elf(machine: number): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; // 64-bit
  b[5] = 1; // little-endian
  b.writeUInt16LE(machine, 18);
  return b;
}
function macho(cpu: number): Buffer {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE(cpu, 4);
  return b;
}
function universal(cpus: number[]): Buffer {
  const b = Buffer.alloc(8 + cpus.length * 20);
  b.writeUInt32BE(0xcafebabe, 0);
  b.writeUInt32BE(cpus.length, 4);
  cpus.forEach((cpu, i) => b.writeUInt32BE(cpu, 8 + i * 20));
  return b;
}
function pe(machine: number): Buffer {
  const b = Buffer.alloc(0x100);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(machine, 0x84);
  return b;
}

describe('inspectExecutable and executableProblem', () => {
  it.each([
    ['linux-x64', elf(0x3e)],
    ['linux-arm64', elf(0xb7)],
    ['darwin-x64', macho(0x01000007)],
    ['darwin-arm64', macho(0x0100000c)],
    ['darwin-x64', universal([0x01000007, 0x0100000c])],
    ['darwin-arm64', universal([0x01000007, 0x0100000c])],
    ['win32-x64', pe(0x8664)],
  ])('accepts a %s binary', (id, bytes) => {
    expect(executableProblem(platform(id), inspectExecutable(bytes))).toBeNull();
  });

  it.each([
    ['linux-x64', elf(0xb7), 'built for arm64, not x64'],
    ['linux-arm64', elf(0x3e), 'built for x64, not arm64'],
    ['linux-x64', macho(0x01000007), 'it is a Mach-O (macOS) executable, not one for linux'],
    ['darwin-arm64', macho(0x01000007), 'built for x64, not arm64'],
    ['darwin-arm64', universal([0x01000007]), 'built for x64, not arm64'],
    ['win32-x64', pe(0xaa64), 'built for arm64, not x64'],
    ['win32-x64', elf(0x3e), 'it is an ELF (Linux) executable, not one for win32'],
    ['linux-x64', Buffer.from('#!/bin/sh\necho hi\n'), 'not an executable'],
    ['linux-x64', Buffer.alloc(0), 'not an executable'],
  ])('rejects for %s: %s', (id, bytes, why) => {
    expect(executableProblem(platform(id), inspectExecutable(bytes))).toContain(why);
  });

  it('names an unknown CPU by its code', () => {
    expect(inspectExecutable(elf(0x1234))).toEqual({ format: 'elf', os: 'linux', cpus: ['unknown (0x1234)'] });
  });

  // The only unit test that reads the installed engine: skipped by `npm run test:unit` on a machine
  // without it (npm test has it, or fails in its global setup).
  const ENGINE = 'node_modules/@nanobpm/c8ctl-plugin-nano-linux-x64/nanobpm-gateway-rest-server';
  it.skipIf(!existsSync(ENGINE))('reads the real engine binary as a linux x64 ELF', () => {
    const head = readFileSync(ENGINE).subarray(0, 4096);
    expect(inspectExecutable(head)).toEqual({ format: 'elf', os: 'linux', cpus: ['x64'] });
  });
});

describe('npm/ templates', () => {
  it.each(PLATFORMS.map((p) => [p.id, p] as const))('%s agrees with platforms.ts', (id, p) => {
    const manifest = JSON.parse(readFileSync(path.join('npm', id, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      name: p.packageName,
      os: [p.os],
      cpu: [p.cpu],
      files: [p.binaryName],
      preferUnplugged: true,
    });
    if (p.libc) expect(manifest.libc).toEqual([p.libc]);
    else expect(manifest).not.toHaveProperty('libc');
    expect(readFileSync(path.join('npm', id, 'README.md'), 'utf8')).toContain(p.packageName);
  });
});

describe('explainMissingPackage', () => {
  const wanted = '@nanobpm/c8ctl-plugin-nano-linux-x64';
  const facts = (dirs: Record<string, string[]>, files: Record<string, string> = {}) => ({
    searchDirs: ['/p/node_modules/c8ctl-plugin-nano/node_modules', '/p/node_modules', '/node_modules'],
    listDir: (dir: string) => dirs[dir],
    readText: (file: string) => files[file],
  });

  it("says node_modules came from another machine when another platform's package is there", () => {
    const lines = explainMissingPackage(
      wanted,
      facts({ '/p/node_modules/@nanobpm': ['c8ctl-plugin-nano-darwin-arm64'] }),
    );
    expect(lines[0]).toContain('@nanobpm/c8ctl-plugin-nano-darwin-arm64 (in /p/node_modules)');
    expect(lines[0]).toContain('installed elsewhere');
  });

  it('says optional dependencies were left out when the lockfile lists the package', () => {
    const lines = explainMissingPackage(
      wanted,
      facts({}, { '/p/package-lock.json': `{"packages":{"node_modules/${wanted}":{"optional":true}}}` }),
    );
    expect(lines[0]).toContain('/p/package-lock.json lists @nanobpm/c8ctl-plugin-nano-linux-x64');
    expect(lines[0]).toContain('--omit=optional');
    expect(lines[0]).toContain('npm install --include=optional');
  });

  it('falls back to the usual cause, and always lists where it looked', () => {
    const lines = explainMissingPackage(wanted, facts({ '/p/node_modules/@nanobpm': ['something-else'] }));
    expect(lines[0]).toContain('npm did not install');
    expect(lines.at(-1)).toBe(
      `Searched: /p/node_modules/c8ctl-plugin-nano/node_modules/${wanted}, /p/node_modules/${wanted}, /node_modules/${wanted}`,
    );
  });
});

describe('versionMismatch', () => {
  const manifest = (version: string): BinaryManifest => ({ version, commit: null, date: null, platforms: {} });
  it('warns when the platform package runs another engine than the release promised', () => {
    expect(versionMismatch(manifest('v0.0.23'), 'platform-package', '0.0.22')).toContain(
      'installed engine is 0.0.22, but this plugin was released with 0.0.23',
    );
  });
  it('is quiet for a match, a dev checkout, a binary the user chose, or an unknown version', () => {
    expect(versionMismatch(manifest('0.0.22'), 'platform-package', '0.0.22')).toBeNull();
    expect(versionMismatch(manifest('0.0.0-dev'), 'platform-package', '0.0.22')).toBeNull();
    expect(versionMismatch(manifest('0.0.23'), 'config', '0.0.22')).toBeNull();
    expect(versionMismatch(manifest('0.0.23'), 'platform-package', null)).toBeNull();
    expect(versionMismatch(undefined, 'platform-package', '0.0.22')).toBeNull();
  });
});
