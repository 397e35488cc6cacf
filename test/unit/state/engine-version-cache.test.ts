// When a remembered `--version` answer may be used: only for the very same, unchanged file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cachedVersion,
  EMPTY_VERSION_CACHE,
  readVersionCache,
  sameBinary,
  withVersion,
  writeVersionCache,
  type BinaryIdentity,
} from '../../../src/state/engine-version-cache.js';

const engine: BinaryIdentity = {
  realPath: '/pkg/nanobpm-gateway-rest-server',
  size: 93_977_360,
  mtimeMs: 1_700_000_000_123.5,
  ctimeMs: 1_700_000_000_456.25,
  ino: 4242,
};

describe('sameBinary / cachedVersion', () => {
  it('uses the answer for the same path, size, mtime, ctime and inode', () => {
    const cache = withVersion(EMPTY_VERSION_CACHE, engine, '0.0.22');
    expect(cachedVersion(cache, { ...engine })).toBe('0.0.22');
  });

  it.each([
    ['touched (mtime)', { mtimeMs: engine.mtimeMs + 1 }],
    ['chmod or rename over it (ctime)', { ctimeMs: engine.ctimeMs + 0.5 }],
    ['rewritten with other content (size)', { size: engine.size + 1 }],
    ['replaced by another file (inode)', { ino: engine.ino + 1 }],
    ['another binary (path)', { realPath: '/other/engine' }],
  ])('asks again when the binary was %s', (_label, change) => {
    const cache = withVersion(EMPTY_VERSION_CACHE, engine, '0.0.22');
    expect(sameBinary(engine, { ...engine, ...change })).toBe(false);
    expect(cachedVersion(cache, { ...engine, ...change })).toBeUndefined();
  });

  it('keeps one answer per path, the newest, and a few paths at most', () => {
    let cache = withVersion(EMPTY_VERSION_CACHE, engine, '0.0.21');
    const rebuilt = { ...engine, mtimeMs: engine.mtimeMs + 60_000 };
    cache = withVersion(cache, rebuilt, '0.0.22');
    expect(cache.entries).toEqual([{ binary: rebuilt, version: '0.0.22' }]);
    for (let i = 0; i < 20; i += 1) cache = withVersion(cache, { ...engine, realPath: `/build/${i}` }, '1.0.0');
    expect(cache.entries.length).toBeLessThanOrEqual(8);
    expect(cachedVersion(cache, { ...engine, realPath: '/build/19' })).toBe('1.0.0');
  });
});

describe('readVersionCache', () => {
  it('reads what was written, and treats a missing, corrupt or foreign file as empty', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'version-cache-'));
    try {
      const file = path.join(dir, 'engine-version-cache.json');
      expect(await readVersionCache(file)).toEqual(EMPTY_VERSION_CACHE);
      await writeVersionCache(file, withVersion(EMPTY_VERSION_CACHE, engine, '0.0.22'));
      expect(cachedVersion(await readVersionCache(file), engine)).toBe('0.0.22');
      for (const text of [
        '{ trunc',
        '[]',
        '{"schema":2,"entries":[]}',
        '{"schema":1,"entries":[{"binary":{"realPath":"/x"},"version":"1"}]}',
      ]) {
        await writeFile(file, text);
        expect(await readVersionCache(file), text).toEqual(EMPTY_VERSION_CACHE);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
