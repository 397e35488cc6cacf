// Secrets never leave the state file: anything we print that could contain one passes through here.
import type { ClusterState } from '../state/cluster-state.js';
import { CLUSTER_SECRET } from './plan.js';

export const REDACTED = '‹redacted›';

export function secretsOf(state: ClusterState | null): string[] {
  const values = new Set<string>();
  for (const node of state?.nodes ?? []) {
    const secret = node.env[CLUSTER_SECRET];
    if (secret) values.add(secret);
  }
  return [...values];
}

export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  // Very short values would blank out ordinary words; a secret that short protects nothing anyway.
  for (const secret of secrets) if (secret.length >= 4) result = result.split(secret).join(REDACTED);
  return result;
}
