// What status says of the peer links of a cluster started with --network-faults. Pure.
import type { ProcessStatus } from '../os/process-identity.js';
import type { LinkProxyRecord } from '../state/cluster-state.js';
import { describeFaults, flowSetting, flowsTouching, type FaultTable } from './faults.js';

export interface LinkView {
  readonly proxy: { readonly pid: number; readonly process: ProcessStatus; readonly log: string };
  readonly faults: FaultTable['flows'];
  readonly described: readonly string[];
  /** The proxy ports the engine reports as peer addresses, by the link they stand for. */
  readonly ports: LinkProxyRecord['links'];
  /** Some flow is held or refused: a node cannot reach another. */
  readonly cut: boolean;
  /** Nodes every flow to and from is held or refused: cut off from all their peers. */
  readonly isolated: readonly number[];
}

export function linkView(record: LinkProxyRecord, process: ProcessStatus, table: FaultTable, nodes: number): LinkView {
  return {
    proxy: { pid: record.pid, process, log: record.log },
    faults: table.flows,
    described: describeFaults(table, nodes),
    ports: record.links,
    cut: table.flows.some((f) => f.mode !== 'pass'),
    isolated: Array.from({ length: nodes }, (_, id) => id).filter((id) =>
      flowsTouching(id, nodes).every(([from, to]) => flowSetting(table, from, to).mode !== 'pass'),
    ),
  };
}

/** The proxy is down or a link is cut: some node cannot reach another. */
export function linksDegrade(view: LinkView): boolean {
  return view.proxy.process !== 'running' || view.cut;
}

export function linkLines(view: LinkView, nodes: number, prog: string): string[] {
  const byNode = Array.from(
    { length: nodes },
    (_, from) =>
      `node ${from} → ${view.ports
        .filter((l) => l.from === from)
        .map((l) => `${l.to} at :${l.port}`)
        .join(', ')}`,
  );
  const lines = [
    `Peer links through the link proxy (pid ${view.proxy.pid}, ${view.proxy.process}): ${byNode.join('; ')}`,
  ];
  if (view.proxy.process !== 'running') {
    lines.push(
      `⚠ The link proxy is ${view.proxy.process === 'frozen' ? 'frozen' : 'not running'}: the nodes cannot reach each other. "${prog} heal" brings it back on the same ports; its log is ${view.proxy.log}.`,
    );
  }
  lines.push(
    view.described.length > 0
      ? `  faults: ${view.described.join('; ')} ("${prog} heal" undoes them)`
      : '  faults: none',
  );
  return lines;
}
