// What NANOBPMN_PEER_BREAKER_COOLDOWN_MS costs a running cluster: 3 nodes, node 2 killed, then for
// COOLDOWN_WINDOW_S the survivors' rate of dial attempts to it (from /metrics) and their CPU time
// (utime + stime from /proc/<pid>/stat; CPU time, so load elsewhere does not inflate it).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { withCliCluster } from './cli-cluster.js';
import { cli, describeRun } from './run-cli.js';

const COOLDOWNS = ['10', '500'] as const;
const COOLDOWN_WINDOW_S = 60;
const CLOCK_TICKS_PER_S = 100;

export interface CooldownResult {
  readonly cooldownMs: string;
  readonly windowS: number;
  readonly dialsPerSecond: readonly number[];
  readonly cpuPercent: readonly number[];
}

export const cooldownResults: CooldownResult[] = [];

/** Pure: the sum of every `nanobpm_peer_connect_attempts_total` series aimed at `target`. */
export function dialsTo(metricsText: string, target: number): number {
  return metricsText
    .split('\n')
    .filter((l) => l.startsWith('nanobpm_peer_connect_attempts_total{') && l.includes(`target="${target}"`))
    .reduce((sum, l) => sum + Number(l.trim().split(/\s+/).pop()), 0);
}

const cpuTicks = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const dials = async (port: number): Promise<number> =>
  dialsTo(await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3_000) })).text(), 2);

async function measure(cooldownMs: string): Promise<void> {
  await withCliCluster(
    `cooldown ${cooldownMs} ms`,
    3,
    { NANOBPMN_PEER_BREAKER_COOLDOWN_MS: cooldownMs },
    async ({ home, start, nodes }) => {
      if (start.code !== 0) throw new Error(`cooldown cost: start failed: ${describeRun(start)}`);
      await cli(['node', '2', 'kill'], home);
      await sleep(2_000);
      const survivors = nodes.filter((n) => n.id !== 2);
      const before = {
        cpu: survivors.map((n) => cpuTicks(n.pid)),
        dials: await Promise.all(survivors.map((n) => dials(n.port))),
      };
      await sleep(COOLDOWN_WINDOW_S * 1000);
      const after = {
        cpu: survivors.map((n) => cpuTicks(n.pid)),
        dials: await Promise.all(survivors.map((n) => dials(n.port))),
      };
      cooldownResults.push({
        cooldownMs,
        windowS: COOLDOWN_WINDOW_S,
        dialsPerSecond: after.dials.map((d, i) => (d - before.dials[i]!) / COOLDOWN_WINDOW_S),
        cpuPercent: after.cpu.map((c, i) => ((c - before.cpu[i]!) / CLOCK_TICKS_PER_S / COOLDOWN_WINDOW_S) * 100),
      });
    },
  );
}

export async function benchCooldownCost(): Promise<void> {
  process.stderr.write(
    `cooldown cost: cooldown ${COOLDOWNS.join(' and ')} ms, node 2 dead, ${COOLDOWN_WINDOW_S} s each\n`,
  );
  for (const c of COOLDOWNS) await measure(c);
  for (const r of cooldownResults) {
    process.stdout.write(
      `cooldown ${r.cooldownMs} ms: redials to the dead peer ${r.dialsPerSecond.map((d) => d.toFixed(2)).join(' / ')} per s; CPU ${r.cpuPercent.map((c) => c.toFixed(2)).join(' / ')} % (survivors)\n`,
    );
  }
}
