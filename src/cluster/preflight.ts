// Before spawning: is every port we would bind free? For a busy port, say what holds it: the product
// answering there (Camunda, Nano) and the program (pid, command line) when the OS shows it.
import { UserError } from '../errors.js';
import type { BindResult } from '../os/bind-test.js';
import type { HttpProbe } from '../os/http-probe.js';
import { describeHolder, type PortHolder, type PortHolderLookup } from '../os/port-holder.js';
import { describeProduct, identifyProduct, type Product } from './topology.js';
import { nodeUrl } from './plan.js';

export interface PreflightDeps {
  readonly tryBind: (port: number) => Promise<BindResult>;
  readonly probe: HttpProbe;
  readonly findPortHolder: PortHolderLookup;
}

const IDENTIFY_TIMEOUT_MS = 1_000;

/** How to retry on a free base port; the nano form by default. */
export type RetryHint = (freeBase: number) => string;

interface BusyPort {
  readonly port: number;
  readonly bind: BindResult;
}

/** The sentence that says how to start on free ports instead. */
function retryFix(ports: readonly number[], busy: readonly BusyPort[], prog: string, retry?: RetryHint): string {
  const freeBase = suggestBasePort(
    ports,
    busy.map((b) => b.port),
  );
  return `Start on a free ${ports.length > 1 ? 'base ' : ''}port instead, e.g. "${retry ? retry(freeBase) : `${prog} start ${ports.length} --port ${freeBase}`}".`;
}

/** What is on the first busy port, as the error to stop with: Camunda, an untracked Nano node, or another program. */
function portInUse(
  busy: readonly BusyPort[],
  product: Product,
  holder: PortHolder | null,
  fix: string,
  prog: string,
): UserError {
  const port = busy[0]!.port;
  const by = holder ? `, held by ${describeHolder(holder)}` : '';
  const others =
    busy.length > 1
      ? ` (also busy: ${busy
          .slice(1)
          .map((b) => b.port)
          .join(', ')})`
      : '';
  if (product.kind === 'camunda')
    return new UserError(
      `Port ${port} is already serving a Camunda gateway (${describeProduct(product)})${by}${others}.`,
      {
        code: 'port-in-use',
        details: ['Refusing to start Nano on top of a running Camunda instance.', fix],
      },
    );
  if (product.kind === 'nano')
    return new UserError(
      `Port ${port} is already serving a Nano BPM node (${describeProduct(product)}) that this home does not track${by}${others}.`,
      {
        code: 'port-in-use',
        details: [
          `Check it with "${prog} status --port ${port}", stop it, or ${fix.charAt(0).toLowerCase()}${fix.slice(1)}`,
        ],
      },
    );
  return new UserError(
    `Port ${port} is in use by another program${holder ? `: ${describeHolder(holder)}` : ''}${others}.`,
    { code: 'port-in-use', details: [fix] },
  );
}

export async function checkPortsFree(
  ports: readonly number[],
  deps: PreflightDeps,
  prog: string,
  retry?: RetryHint,
): Promise<void> {
  const results = await Promise.all(ports.map(async (port) => ({ port, bind: await deps.tryBind(port) })));
  const busy = results.filter((r) => r.bind !== 'free');
  if (busy.length === 0) return;

  const denied = busy.find((r) => r.bind === 'no-permission');
  if (denied) {
    throw new UserError(
      `Port ${denied.port} needs privileges this user does not have. Use a base port of 1024 or above, e.g. --port 8080.`,
      { code: 'port-unavailable' },
    );
  }

  // Name what is there: the spec's refusal for Camunda, a clear word for Nano, the port otherwise.
  const first = busy[0]!;
  const [answer, holder] = await Promise.all([
    deps.probe.getJson(`${nodeUrl(first.port)}/v2/topology`, IDENTIFY_TIMEOUT_MS),
    deps.findPortHolder(first.port),
  ]);
  const product: Product =
    answer.kind === 'answers' && answer.status < 300 ? identifyProduct(answer.body) : { kind: 'unknown' };
  throw portInUse(busy, product, holder, retryFix(ports, busy, prog, retry), prog);
}

/** A base port clear of the busy ones, for the suggestion in the message. */
export function suggestBasePort(ports: readonly number[], busy: readonly number[]): number {
  const highest = Math.max(...busy, ...ports);
  const candidate = highest + 100 - (highest % 100);
  return candidate + ports.length - 1 <= 65535 ? candidate : 1024;
}
