// ops/engine-version.ts with a fake `--version`: a binary is asked once, its answer stored only when
// the caller says so (a refused start leaves the home as it was), and an unchanged binary is not
// asked again; a failed answer is never stored.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineVersion, type AskVersion } from '../../../src/ops/engine-version.js';

let dir: string;
let cache: string;
let binary: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-engine-version-'));
  cache = path.join(dir, 'engine-version-cache.json');
  binary = path.join(dir, 'engine');
  await writeFile(binary, '#!/bin/sh\n', { mode: 0o755 });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function asking(version: string | null): AskVersion & { readonly times: () => number } {
  let times = 0;
  const ask: AskVersion = async () => {
    times += 1;
    return version === null ? { version, warning: 'it did not say' } : { version };
  };
  return Object.assign(ask, { times: () => times });
}

const noGlibc = (): undefined => undefined;

describe('engineVersion', () => {
  it('asks a new binary, stores the answer only when remembered, then answers from the cache', async () => {
    const ask = asking('0.0.22');
    const first = await engineVersion(cache, binary, noGlibc, ask);
    expect(first.check).toEqual({ version: '0.0.22' });
    expect(existsSync(cache)).toBe(false);
    await first.remember?.();
    const again = await engineVersion(cache, binary, noGlibc, ask);
    expect(again).toEqual({ check: { version: '0.0.22' }, remember: undefined });
    expect(ask.times()).toBe(1);
  });

  it('a binary changed since is asked again', async () => {
    const ask = asking('0.0.22');
    await (await engineVersion(cache, binary, noGlibc, ask)).remember?.();
    await writeFile(binary, '#!/bin/sh\n# rebuilt\n');
    await engineVersion(cache, binary, noGlibc, ask);
    expect(ask.times()).toBe(2);
  });

  it('a failed answer is passed on with its warning and never stored', async () => {
    const failed = await engineVersion(cache, binary, noGlibc, asking(null));
    expect(failed).toEqual({ check: { version: null, warning: 'it did not say' }, remember: undefined });
  });
});
