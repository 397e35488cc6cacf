// `drill` against a 3-node RF 3 cluster of the real engine, under both tiers (issue 26). The tests
// assert the verdict fields, never the timings: under the default tier (leader-durable) every fault ends
// with the cluster converged, one drill after another on the same cluster (a drill must leave it whole),
// and nothing acknowledged lost except under kill, where engine 0.0.22 loses writes; under quorum a pause leaves partitions displaced (the engine's measured
// behaviour), which the report names and the exit code calls "did not converge". Ctrl-C in the middle of
// a drill heals first: no paused node survives it.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { waitUntil } from '../support/processes.js';
import { perTestSandboxes, type Sandbox } from '../support/sandbox.js';

const tests = perTestSandboxes();
// Short phases: the verdict needs a fault long enough to fail over (about 2 s) and a little traffic around it.
const SHORT = ['--at', '1', '--for', '4', '--after', '1', '--rate', '10'];

async function startCluster(s: Sandbox, extra: readonly string[] = []): Promise<number> {
  const port = await freePortRange(3);
  const started = await s.run(['start', '3', '--rf', '3', '--port', String(port), '--network-faults', ...extra]);
  expect(started.code, started.stderr).toBe(0);
  return port;
}

function expectNothingLost(json: any): void {
  expect(json.checks.acknowledgedLost, JSON.stringify(json.checks)).toBe(0);
  expect(json.checks.lostKeys).toEqual([]);
  expect(json.checks.duplicateKeys).toEqual([]);
  expect(json.checks.deploymentsMissingOn).toEqual([]);
  expect(json.workload.creates.acknowledged).toBeGreaterThan(0);
}

describe('drill on a real cluster, default tier (leader-durable)', () => {
  it('every fault, one after another on the same cluster: nothing acknowledged lost, converged each time', async () => {
    const s = await tests.create();
    await startCluster(s);
    for (const fault of [['pause'], ['kill'], ['isolate', '--refuse'], ['cut'], ['slow', '--delay', '100'], ['none']]) {
      const drill = await s.runJson(['drill', ...fault, ...SHORT]);
      const json = drill.json;
      expect(json.final).toMatchObject({ convergence: 'whole', displaced: [], leaderless: [] });
      if (fault[0] === 'kill') {
        // Engine 0.0.22 loses what the stand-in leader acknowledged for the killed node's partition and
        // hands its keys out again once the owner is back (3 of 3 runs here, 4 of 4 in the helper's):
        // the drill must say so, exit 4. When the engine keeps them, this fails: expect 0 then.
        expect({ code: drill.code, verdict: json.verdict }, drill.stderr).toEqual({ code: 4, verdict: 'lost' });
        expect(json.checks.acknowledgedLost).toBeGreaterThan(0);
        expect(json.checks.lostKeys).toHaveLength(json.checks.acknowledgedLost);
        continue;
      }
      expect({ fault: fault[0], code: drill.code, verdict: json.verdict }, drill.stderr).toEqual({
        fault: fault[0],
        code: 0,
        verdict: 'whole',
      });
      expectNothingLost(json);
      expect(json.checks.jobsNotCompleted).toBe(0);
      expect(json.workload).toMatchObject({ processId: 'c8ctl-nano-drill', jobType: 'c8ctl-nano-drill' });
      expect(json.timeline.nodes).toHaveLength(3);
      if (fault[0] !== 'none') {
        expect(json.fault).toMatchObject({ kind: fault[0], target: 'leader-of:1' });
        expect(json.fault.node).not.toBeNull();
        expect(json.timeline.events.map((e: any) => e.kind)).toEqual(['fault', 'heal', 'converged']);
      }
    }
    // The cluster it leaves behind is whole: status says so.
    expect((await s.run(['status'])).code).toBe(0);
    expect((await s.run(['stop'])).code).toBe(0);
  }, 240_000);

  it('the terminal shows the verdict, the table and a timeline within 80 columns', async () => {
    const s = await tests.create();
    await startCluster(s);
    const drill = await s.run(['drill', 'pause', ...SHORT]);
    expect(drill.code, drill.stderr).toBe(0);
    expect(drill.stdout).toMatch(/✓/);
    expect(drill.stdout).toMatch(/node 0/);
    for (const line of drill.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect((await s.run(['stop'])).code).toBe(0);
  }, 120_000);

  it('Ctrl-C during the fault heals first: the paused node runs again, exit 130', async () => {
    const s = await tests.create();
    await startCluster(s);
    const run = s.spawn(['drill', 'pause', '--target', '1', '--at', '1', '--for', '30']);
    const state = await s.state();
    const pid = state.nodes[1].pid;
    const stateOf = async (): Promise<string> =>
      (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.slice(0, 1);
    await waitUntil(async () => (await stateOf()) === 'T', 15_000, 'node 1 paused by the drill');
    run.kill('SIGINT');
    const ended = await run;
    expect(ended.exitCode, ended.stderr).toBe(130);
    expect(ended.stderr).toMatch(/resumed node 1/);
    expect(await stateOf()).not.toBe('T');
    await waitUntil(async () => (await s.run(['status'])).code === 0, 15_000, 'the cluster whole again');
    expect((await s.run(['stop'])).code).toBe(0);
  }, 120_000);

  it('refuses a degraded cluster unless forced, and a network fault without the link proxy', async () => {
    const s = await tests.create();
    const port = await freePortRange(3);
    expect((await s.run(['start', '3', '--rf', '3', '--port', String(port)])).code).toBe(0);
    const noProxy = await s.run(['drill', 'isolate', ...SHORT]);
    expect(noProxy.code).toBe(1);
    expect(noProxy.stderr).toContain('restart --network-faults');
    expect((await s.run(['pause', '2'])).code).toBe(0);
    const degraded = await s.run(['drill', ...SHORT]);
    expect(degraded.code).toBe(1);
    expect(degraded.stderr).toMatch(/Not drilling a cluster that is already degraded: node 2 \(frozen/);
    expect((await s.run(['resume', '2'])).code).toBe(0);
    expect((await s.run(['stop'])).code).toBe(0);
  }, 120_000);
});

describe('drill on a real cluster, quorum', () => {
  it('a pause leaves partitions displaced: named in the report, exit 5 (did not converge), nothing lost', async () => {
    const s = await tests.create();
    await startCluster(s, ['--replication', 'quorum']);
    const drill = await s.runJson(['drill', 'pause', ...SHORT, '--settle', '8']);
    expect(drill.code, drill.stderr).toBe(5);
    expect(drill.json).toMatchObject({ ok: false, verdict: 'not-converged', exitCode: 5 });
    expect(drill.json.final.convergence).toBe('displaced');
    expect(drill.json.final.displaced.length).toBeGreaterThan(0);
    expectNothingLost(drill.json);
    // Now displaced, the cluster is not fit for another drill without --force.
    const again = await s.run(['drill', ...SHORT]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/displaced/);
    expect((await s.run(['stop'])).code).toBe(0);
  }, 120_000);
});
