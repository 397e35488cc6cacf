// Soak: 25 start/stop cycles of a real 3-node cluster in a row, in one home on one port range. Every
// cycle must be ready and stop cleanly; at the end no engine process, open file descriptor, state file,
// lock or temp file of that home may be left.
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { isAlive, processesWithMarker } from '../support/processes.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';

const CYCLES = 25;
const NODES = 3;
/** A hang detector, not a speed claim: one start + stop takes about half a second here. */
const CYCLE_LIMIT_MS = 15_000;
const SOAK_TIMEOUT_MS = 180_000;

const tests = perTestSandboxes();
let sandbox: Sandbox | undefined;

/** Every open file descriptor on the machine (that we may read) whose target lies inside dir. */
function descriptorsInto(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target === dir || target.startsWith(dir + path.sep)) found.push(`pid ${pid} fd ${fd} -> ${target}`);
      } catch {
        // closed meanwhile, or not readable
      }
    }
  }
  return found;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String);
}

describe('soak', () => {
  it(
    `${CYCLES} start/stop cycles of a ${NODES}-node cluster leave no process, descriptor or state file behind`,
    async () => {
      sandbox = await tests.create();
      const s = sandbox;
      const port = await freePortRange(NODES);
      const durations: number[] = [];
      const began = performance.now();

      for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
        const cycleBegan = performance.now();
        const started = await s.runJson(['start', String(NODES), '--port', String(port)]);
        expect(started.code, `cycle ${cycle}: start\n${started.stderr}`).toBe(0);
        expect(started.json, `cycle ${cycle}`).toMatchObject({
          ok: true,
          cluster: 'running',
          settings: { nodes: NODES, basePort: port },
        });
        const pids = (started.json.nodes as Array<{ pid: number }>).map((n) => n.pid);
        expect(pids, `cycle ${cycle}`).toHaveLength(NODES);
        for (const pid of pids) expect(isAlive(pid), `cycle ${cycle}: pid ${pid} alive after start`).toBe(true);

        const stopped = await s.runJson(['stop']);
        expect(stopped.code, `cycle ${cycle}: stop\n${stopped.stderr}`).toBe(0);
        expect(
          stopped.json.stopped.map((r: { outcome: string }) => r.outcome),
          `cycle ${cycle}`,
        ).toEqual(Array(NODES).fill('graceful'));
        for (const pid of pids) expect(isAlive(pid), `cycle ${cycle}: pid ${pid} alive after stop`).toBe(false);
        expect(processesWithMarker(s.marker), `cycle ${cycle}: processes after stop`).toEqual([]);

        const ms = performance.now() - cycleBegan;
        durations.push(ms);
        expect(
          ms,
          `cycle ${cycle} took ${Math.round(ms)} ms (start ${Math.round(started.ms)} ms, stop ${Math.round(stopped.ms)} ms)`,
        ).toBeLessThan(CYCLE_LIMIT_MS);
      }

      const total = performance.now() - began;
      const slowest = Math.max(...durations);
      console.info(
        `soak: ${CYCLES} cycles in ${(total / 1000).toFixed(1)} s (mean ${Math.round(total / CYCLES)} ms, slowest ${Math.round(slowest)} ms)`,
      );

      expect(processesWithMarker(s.marker), 'engine processes left').toEqual([]);
      expect(existsSync(path.join(s.home, 'cluster.json')), 'cluster.json left').toBe(false);
      expect(existsSync(path.join(s.home, '.lock')), '.lock left').toBe(false);
      const files = await filesUnder(s.home);
      expect(
        files.filter((f) => f.endsWith('.tmp') || path.basename(f).startsWith('.lock')),
        'temp or lock files left',
      ).toEqual([]);
      expect(descriptorsInto(s.home), 'open descriptors into the home').toEqual([]);
    },
    SOAK_TIMEOUT_MS,
  );
});
