// Picking a node by id, with errors that list what exists. Pure.
import { invalidArgument, UserError } from '../errors.js';
import type { ClusterState, NodeRecord } from '../state/cluster-state.js';
import { parseWholeNumber } from '../values.js';

export function validIds(ids: readonly number[]): string {
  return ids.length === 0 ? 'none' : ids.join(', ');
}

export function parseNodeId(text: string | undefined, ids: readonly number[], what: string): number {
  if (text === undefined) throw invalidArgument(`${what} needs a node id; this cluster has node(s) ${validIds(ids)}.`);
  // Written as status shows it: "00", like "+1" or "1.0", is not an id.
  const id = /^(0|[1-9]\d*)$/.test(text) ? parseWholeNumber(text) : undefined;
  if (id === undefined || !ids.includes(id)) {
    throw invalidArgument(`Node "${text}" does not exist; valid ids: ${validIds(ids)} (0-based, as status shows).`);
  }
  return id;
}

export function selectNode(state: ClusterState, text: string | undefined, what: string): NodeRecord {
  const id = parseNodeId(
    text,
    state.nodes.map((n) => n.id),
    what,
  );
  return state.nodes.find((n) => n.id === id)!;
}

export function noClusterError(home: string, prog: string): UserError {
  return new UserError(`No cluster is tracked in ${home}. Start one with "${prog} start".`, { code: 'no-cluster' });
}
