// `drill` against a 3-node RF 3 cluster of the real engine, under both tiers (issue 26). The tests
// assert the verdict fields, never the timings: under the default tier (leader-durable) every fault ends
// with the cluster converged, one drill after another on the same cluster (a drill must leave it whole),
// and nothing acknowledged lost except where engine 0.0.22 loses writes (kill, isolate --refuse: a
// failover under leader-durable); under quorum a pause leaves partitions displaced (the engine's measured
// behaviour), which the report names and the exit code calls "did not converge". Ctrl-C in the middle of
// a drill heals first: no paused node survives it.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
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
  it('every fault, one after another on the same cluster: converged each time, nothing lost but where the engine loses it', async () => {
    const s = await tests.create();
    await startCluster(s);
    for (const fault of [['pause'], ['isolate'], ['cut'], ['slow', '--delay', '100'], ['none'], ['kill']]) {
      const drill = await s.runJson(['drill', ...fault, ...SHORT]);
      const json = drill.json;
      expect(json.final, `${fault.join(' ')}: ${drill.stderr}`).toMatchObject({
        convergence: 'whole',
        displaced: [],
        leaderless: [],
      });
      expect(json.timeline.nodes).toHaveLength(3);
      expect(json.workload).toMatchObject({ processId: 'c8ctl-nano-drill', jobType: 'c8ctl-nano-drill' });
      if (fault[0] !== 'none') {
        expect(json.fault).toMatchObject({ kind: fault[0], target: 'leader-of:1' });
        expect(json.fault.node).not.toBeNull();
        expect(json.timeline.events.map((e: any) => e.kind)).toEqual(['fault', 'heal', 'converged']);
      }
      if (fault[0] === 'kill') {
        // Engine 0.0.22 loses what the stand-in leader acknowledged for the killed node's partition and
        // hands its keys out again once the owner is back (lost in every kill drill measured, 6 of 6;
        // docs/drills.md): the drill must say so, exit 4. When the engine keeps them, this fails:
        // expect 0 lost then.
        expect({ code: drill.code, verdict: json.verdict }, drill.stderr).toEqual({ code: 4, verdict: 'lost' });
        // Lost, or its key handed out again (a second create under it), or both: the mix varies by run.
        const { acknowledgedLost, duplicateKeys, duplicateInstances, lostKeys } = json.checks;
        expect(acknowledgedLost + duplicateKeys.length + duplicateInstances.length).toBeGreaterThan(0);
        expect(lostKeys).toHaveLength(acknowledgedLost);
        continue;
      }
      expect({ fault: fault[0], code: drill.code, verdict: json.verdict }, drill.stderr).toEqual({
        fault: fault[0],
        code: 0,
        verdict: 'whole',
      });
      expectNothingLost(json);
      expect(json.checks.jobsNotCompleted).toBe(0);
    }
    expect((await s.run(['stop'])).code).toBe(0);
  }, 240_000);

  it('isolate --refuse: a failover under load; the verdict and the exit code agree, and the losses are named', async () => {
    // Measured on 0.0.22: 53 of 197 acknowledged creates lost, and after an earlier failover on the same
    // cluster nodes go on contesting partitions (docs/drills.md): so lost (4) or not converged (5), not whole.
    const s = await tests.create();
    await startCluster(s);
    const drill = await s.runJson(['drill', 'isolate', '--refuse', ...SHORT]);
    const json = drill.json;
    expect(json.fault).toMatchObject({ kind: 'isolate', mode: 'reset' });
    expect(json.timings.newLeader[0].leader).not.toBeNull();
    expect(drill.code).toBe({ whole: 0, lost: 4, 'not-converged': 5 }[json.verdict as string]);
    if (json.verdict === 'lost')
      expect(json.checks.lostKeys.length + json.checks.duplicateKeys.length).toBeGreaterThan(0);
    expect((await s.run(['stop'])).code).toBe(0);
  }, 120_000);

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
    // Thrown from drill's own bundle, still a refusal of ours, not "Unexpected failure".
    expect(degraded.stderr).not.toContain('Unexpected');
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

describe('the drill checker can fail', () => {
  // A stand-in that acknowledges every create and forgets every third (test/fixtures/forgetful-engine.mjs):
  // the real engine cannot be made to lose writes on demand.
  it('reports acknowledged-then-lost writes from an engine that forgets them, exit 4', async () => {
    const s = await tests.create();
    const port = await freePortRange(1);
    const forgetful = path.resolve('test/fixtures/forgetful-engine.mjs');
    const started = await s.run(['start', '1', '--port', String(port), '--binary', forgetful]);
    expect(started.code, started.stderr).toBe(0);
    const drill = await s.runJson(['drill', 'none', '--no-task', '--at', '1', '--for', '1', '--after', '1']);
    expect(drill.code, drill.stderr).toBe(4);
    expect(drill.json).toMatchObject({ ok: false, verdict: 'lost', exitCode: 4 });
    expect(drill.json.final.convergence).toBe('whole');
    const { acknowledged } = drill.json.workload.creates;
    expect(drill.json.checks.acknowledgedLost).toBe(Math.floor(acknowledged / 3));
    expect(drill.json.checks.lostKeys).toHaveLength(drill.json.checks.acknowledgedLost);
    const text = await s.run(['drill', 'none', '--no-task', '--at', '0', '--for', '1', '--after', '0']);
    expect(text.code).toBe(4);
    expect(text.stdout).toMatch(
      /⚠ Lost: the cluster converged, but \d+ of \d+ acknowledged\s+instances are found on\s+no\s+node/,
    );
    expect((await s.run(['stop'])).code).toBe(0);
  }, 60_000);
});

describe('drill --fresh', () => {
  it('starts a cluster of its own, drills it, and stops it, keeping the data; shape flags need --fresh', async () => {
    const s = await tests.create();
    const refused = await s.run(['drill', '--rf', '3']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--rf shapes the cluster "drill --fresh <N>" starts');
    const port = await freePortRange(3);
    const drill = await s.runJson(['drill', 'pause', '--fresh', '3', '--rf', '3', '--port', String(port), ...SHORT]);
    expect(drill.code, drill.stderr).toBe(0);
    expect(drill.json).toMatchObject({ verdict: 'whole', cluster: { nodes: 3, rf: 3, replication: 'leader-durable' } });
    expectNothingLost(drill.json);
    // Stopped, nothing left running; the instances stay on disk as evidence.
    const status = await s.run(['status']);
    expect(status.code).toBe(3);
    expect((await readdir(path.join(s.home, 'data'))).length).toBeGreaterThan(0);
  }, 120_000);
});
