// plan.json, what the CLI asks the link proxy to forward: one link per ordered pair of nodes, each a
// port node `from` dials instead of node `to`'s real port. The proxy trusts nothing it reads, so the
// plan is checked here, purely, and a problem is one line naming the field and the value.
import type { LinkSpec } from './link-forwarder.js';

export interface LinkPlan {
  readonly links: readonly LinkSpec[];
  /** Always loopback: the proxy never listens on other interfaces. */
  readonly host: '127.0.0.1';
}

/** The first thing wrong with `value` as a plan, or null. */
export function planProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'the plan is not an object: expected { links, host }';
  const plan = value as Record<string, unknown>;
  if (plan.host !== '127.0.0.1')
    return `host is ${JSON.stringify(plan.host) ?? 'missing'}: the link proxy listens on 127.0.0.1 only`;
  if (!Array.isArray(plan.links) || plan.links.length === 0)
    return 'links is not a list of links: expected at least one { from, to, port, targetPort }';
  const seen = new Set<string>();
  for (const [i, link] of plan.links.entries()) {
    if (typeof link !== 'object' || link === null)
      return `links[${i}] is not a link: expected { from, to, port, targetPort }`;
    const l = link as Record<string, unknown>;
    for (const field of ['from', 'to'] as const) {
      if (!isWhole(l[field], 0, 4096)) return `links[${i}].${field} is ${shown(l[field])}: expected a node id from 0`;
    }
    if (l.from === l.to) return `links[${i}] joins node ${l.from} to itself: a link joins two different nodes`;
    if (!isWhole(l.port, 0, 65535)) return `links[${i}].port is ${shown(l.port)}: expected 0 (any free port) to 65535`;
    if (!isWhole(l.targetPort, 1, 65535))
      return `links[${i}].targetPort is ${shown(l.targetPort)}: expected 1 to 65535`;
    const key = `${l.from}>${l.to}`;
    if (seen.has(key)) return `links[${i}]: link ${l.from}→${l.to} is listed twice: list each link once`;
    seen.add(key);
  }
  return null;
}

/** How many nodes the plan's links join (ids count from 0). */
export function planNodeCount(plan: LinkPlan): number {
  return 1 + Math.max(...plan.links.flatMap((l) => [l.from, l.to]));
}

function isWhole(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function shown(value: unknown): string {
  return value === undefined ? 'missing' : (JSON.stringify(value) ?? String(value)).slice(0, 40);
}
