// Issue 14, item 5: before another engine version opens kept data, each node's read model is copied.
// No second engine version can be had here, so the recorded version is faked in data/.shape.json.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { perTestSandboxes } from '../support/sandbox.js';

const tests = perTestSandboxes();
/** Each read-model file of a node directory (the engine names them per partition) and its hash. */
async function readModel(dir: string): Promise<Record<string, string>> {
  const files = (await readdir(dir)).filter((f) => f.startsWith('read-model')).sort();
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, await sha(path.join(dir, f))] as const)));
}

const sha = async (file: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('read-model backup before an engine upgrade', () => {
  it("copies every node's read model when the recorded engine differs, says so, keeps the last 5, and not when it is the same", async () => {
    const s = await tests.create();
    const port = await freePortRange(2);
    const shapeFile = path.join(s.home, 'data', '.shape.json');
    expect((await s.run(['start', '2', '--port', String(port)])).code).toBe(0);
    expect((await s.run(['stop'])).code).toBe(0);
    const shape = JSON.parse(await readFile(shapeFile, 'utf8'));
    expect(shape.engineVersion).toBe('0.0.22');

    // Same version: no backup.
    const same = await s.run(['start', '2', '--port', String(port)]);
    expect(same.stdout).not.toContain('backed up');
    expect((await s.run(['stop'])).code).toBe(0);

    for (let i = 1; i <= 6; i += 1) {
      await writeFile(shapeFile, JSON.stringify({ ...shape, engineVersion: `0.0.${i}` }));
      const before = await Promise.all([0, 1].map((n) => readModel(path.join(s.home, 'data', `node-${n}`))));
      const started = await s.run(['start', '2', '--port', String(port)]);
      expect(started.code, started.stderr).toBe(0);
      expect(started.stdout).toContain(
        `Engine 0.0.${i} wrote the kept data and 0.0.22 will open it: backed up 2 node(s)' read model`,
      );
      const newest = (await readdir(path.join(s.home, 'backups'))).sort().at(-1)!;
      expect(newest).toMatch(new RegExp(`^read-model-.*-0\\.0\\.${i}-to-0\\.0\\.22$`));
      for (const n of [0, 1]) {
        const copy = path.join(s.home, 'backups', newest, `node-${n}`);
        expect((await readdir(copy)).every((f) => f.startsWith('read-model'))).toBe(true);
        expect(await readModel(copy)).toEqual(before[n]);
        expect(Object.keys(before[n]!).some((f) => /^read-model\.p\d+\.sqlite$/.test(f))).toBe(true);
      }
      expect((await s.run(['stop'])).code).toBe(0);
      expect(JSON.parse(await readFile(shapeFile, 'utf8')).engineVersion).toBe('0.0.22');
    }
    const kept = (await readdir(path.join(s.home, 'backups'))).sort();
    expect(kept).toHaveLength(5);
    expect(kept.some((k) => k.endsWith('-0.0.1-to-0.0.22'))).toBe(false);
  });
});
