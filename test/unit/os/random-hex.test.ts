import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomHex } from '../../../src/os/random-hex.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nano random-hex-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('randomHex', () => {
  it('gives the bytes asked for, as hex, and a new value each time', () => {
    const a = randomHex(32);
    const b = randomHex(32);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });

  it('reads the device it is given', () => {
    const device = path.join(dir, 'fixed-bytes');
    writeFileSync(device, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x01]));
    expect(randomHex(4, device)).toBe(
      process.platform === 'win32' ? expect.stringMatching(/^[0-9a-f]{8}$/) : 'deadbeef',
    );
  });

  it('falls back to crypto when the device is missing or gives too few bytes', () => {
    const short = path.join(dir, 'short');
    writeFileSync(short, Buffer.from([1, 2]));
    for (const device of [path.join(dir, 'no-such-device'), short]) {
      const value = randomHex(16, device);
      expect(value).toMatch(/^[0-9a-f]{32}$/);
      // A short read kept would be the two bytes and zeros.
      expect(value).not.toBe(`0102${'0'.repeat(28)}`);
    }
  });
});
