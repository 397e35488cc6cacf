// --in-memory and --history-max (issue 14, item 1) on real engine nodes.
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { processesWithMarker } from '../support/processes.js';
import { deployOneTask } from '../support/rest.js';
import { perTestSandboxes } from '../support/sandbox.js';

const tests = perTestSandboxes();
const url = (port: number): string => `http://127.0.0.1:${port}`;

const environOf = async (pid: number): Promise<Map<string, string>> =>
  new Map(
    (await readFile(`/proc/${pid}/environ`, 'utf8'))
      .split('\0')
      .filter(Boolean)
      .map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as [string, string]),
  );

describe('--in-memory', () => {
  it('keeps nothing on disk, says so everywhere, survives restart as memory, and leaves kept disk data alone', async () => {
    const s = await tests.create();
    const port = await freePortRange(2);
    // Disk data of a 1-node cluster first: an in-memory cluster of another shape neither reads nor changes it.
    expect((await s.run(['start', '--port', String(port)])).code).toBe(0);
    expect((await s.run(['stop'])).code).toBe(0);
    const shapeBefore = await readFile(path.join(s.home, 'data', '.shape.json'), 'utf8');
    const node0Before = (await readdir(path.join(s.home, 'data', 'node-0'))).sort();

    const started = await s.runJson(['start', '2', '--in-memory', '--history-max', '25', '--port', String(port)]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.json.settings).toMatchObject({ storage: 'memory', historyMax: 25 });
    for (const node of (await s.state()).nodes) {
      const env = await environOf(node.pid);
      expect(env.has('NANOBPMN_DATA_DIR')).toBe(false);
      expect(env.get('NANOBPMN_HISTORY_MAX_INSTANCES')).toBe('25');
    }
    expect(await readFile(path.join(s.home, 'logs', 'node-0.log'), 'utf8')).toContain('running in-memory');
    const { processDefinitionKey } = await deployOneTask(url(port));
    expect((await s.run(['status'])).stdout).toContain('storage memory');
    expect((await s.runJson(['config'])).json.cluster).toMatchObject({
      running: true,
      storage: 'memory',
      historyMax: 25,
    });
    await expect(stat(path.join(s.home, 'data', 'node-1'))).rejects.toThrow();

    const restarted = await s.runJson(['restart']);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.json.settings).toMatchObject({ storage: 'memory', historyMax: 25 });
    // Nothing survived: the deployment is gone after the restart.
    expect(
      (
        await fetch(`${url(port)}/v2/process-definitions/${processDefinitionKey}`, {
          signal: AbortSignal.timeout(5_000),
        })
      ).status,
    ).toBe(404);

    // A crashed in-memory node comes back empty, and says so (not "on its previous data").
    expect((await s.run(['node', '1', 'kill'])).code).toBe(0);
    const back = await s.runJson(['node', '1', 'start']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.json.data).toBe('none');
    expect((await s.run(['node', '1', 'restart'])).stdout).toContain(
      'empty: the cluster runs in memory (--in-memory), so nothing it held before survived.',
    );

    // Lost state: in-memory nodes are still found as this home's (they have no data dir to prove it).
    await unlink(path.join(s.home, 'cluster.json'));
    const untracked = await s.runJson(['status']);
    expect(untracked.code).toBe(2);
    expect(untracked.json.untracked).toHaveLength(2);
    const stopped = await s.run(['stop', '--force']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(processesWithMarker(s.marker)).toEqual([]);

    expect(await readFile(path.join(s.home, 'data', '.shape.json'), 'utf8')).toBe(shapeBefore);
    expect((await readdir(path.join(s.home, 'data', 'node-0'))).sort()).toEqual(node0Before);
  });

  it('refuses a bad --history-max before touching anything', async () => {
    const s = await tests.create();
    for (const value of ['0', '1.5', 'lots']) {
      const bad = await s.run(['start', '--history-max', value]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(`--history-max "${value}" must be a whole number`);
    }
    expect(await readdir(s.home)).toEqual([]);
  });
});
