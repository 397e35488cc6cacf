// `status --port P` where no managed cluster has that port (or no cluster is tracked): what answers
// there, told apart: Nano BPM started elsewhere, a Camunda gateway, something frozen, something else,
// or nothing.
import { fetchLeadership } from '../cluster/observe-leaders.js';
import { describeProduct, identifyProduct, readTopology, type Product } from '../cluster/topology.js';
import { nodeUrl } from '../cluster/plan.js';
import { EXIT } from '../errors.js';
import type { CommandContext } from '../kit/context.js';
import { PROBE_TIMEOUT_MS } from '../ops/status-view.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { ExternalStatusResult } from '../results/status.js';

/** The fields every external document shares. */
interface Asked {
  readonly managed: false;
  readonly port: number;
  readonly url: string;
  readonly home: string;
  readonly untracked: readonly [];
}

/** Nano BPM answers: its version, its configured cluster and, when its console says, who leads what. */
async function nanoStatus(
  ctx: CommandContext,
  asked: Asked,
  product: Extract<Product, { kind: 'nano' }>,
  body: unknown,
): Promise<number> {
  const { out } = ctx;
  const topology = readTopology(body);
  const partitions = await fetchLeadership(ctx.effects.probe, asked.url, PROBE_TIMEOUT_MS);
  out.info(
    `Nano BPM ${product.version ?? ''} on port ${asked.port} (external — not started by c8ctl): running`.replace(
      '  ',
      ' ',
    ),
  );
  out.info(
    `  product: ${describeProduct(product)} · cluster size ${topology.clusterSize ?? '?'} · ${topology.partitionsCount ?? '?'} partition(s) · RF ${topology.replicationFactor ?? '?'}`,
  );
  for (const b of topology.brokers) out.info(`  node ${b.nodeId ?? '?'}  ${b.host ?? '?'}:${b.port ?? '?'}`);
  for (const p of partitions ?? [])
    out.info(`  partition ${p.partition}: ${p.leader === null ? 'no leader' : `leader node ${p.leader}`}`);
  out.result({
    schemaVersion: SCHEMA_VERSION,
    ...asked,
    cluster: 'running',
    exitCode: EXIT.ok,
    product,
    topology,
    partitions,
  } satisfies ExternalStatusResult);
  return EXIT.ok;
}

/** A Camunda gateway answers: not ours, and no Nano cluster there. */
function camundaStatus(ctx: CommandContext, asked: Asked, product: Extract<Product, { kind: 'camunda' }>): number {
  ctx.out.info(
    `Port ${asked.port} is serving a Camunda gateway (${describeProduct(product)}), not Nano. No Nano cluster is running there.`,
  );
  ctx.out.info(`  product: ${describeProduct(product)}`);
  ctx.out.result({
    schemaVersion: SCHEMA_VERSION,
    ...asked,
    cluster: 'stopped',
    exitCode: EXIT.stopped,
    product,
  } satisfies ExternalStatusResult);
  return EXIT.stopped;
}

/** What answers on `port`, probed once with a deadline. */
export async function externalStatus(ctx: CommandContext, port: number): Promise<number> {
  const { out } = ctx;
  const url = nodeUrl(port);
  const answer = await ctx.effects.probe.getJson(`${url}/v2/topology`, PROBE_TIMEOUT_MS * 2);
  const asked: Asked = { managed: false, port, url, home: ctx.layout.home, untracked: [] };
  if (answer.kind === 'answers' && answer.status < 300) {
    const product = identifyProduct(answer.body);
    if (product.kind === 'nano') return nanoStatus(ctx, asked, product, answer.body);
    if (product.kind === 'camunda') return camundaStatus(ctx, asked, product);
  }
  const base = { schemaVersion: SCHEMA_VERSION, ...asked } as const;
  if (answer.kind === 'timeout') {
    out.info(`Something accepts connections on port ${port} but does not answer (a frozen node?): degraded.`);
    out.result({
      ...base,
      cluster: 'degraded',
      exitCode: EXIT.degraded,
      http: 'timeout',
    } satisfies ExternalStatusResult);
    return EXIT.degraded;
  }
  if (answer.kind === 'answers') {
    out.info(`Port ${port} answers HTTP ${answer.status} but is not Nano BPM. No Nano cluster is running there.`);
    out.result({
      ...base,
      cluster: 'stopped',
      exitCode: EXIT.stopped,
      http: `HTTP ${answer.status}`,
    } satisfies ExternalStatusResult);
    return EXIT.stopped;
  }
  out.info(`No cluster is tracked in ${ctx.layout.home} and nothing answers on port ${port}: stopped.`);
  out.result({ ...base, cluster: 'stopped', exitCode: EXIT.stopped, http: answer.kind } satisfies ExternalStatusResult);
  return EXIT.stopped;
}
