// Ask the registry about our package: one GET of the packument, with a deadline.
import type { GetResult } from '../os/http-get.js';
import { PACKAGE_NAME } from '../package-name.js';
import { assess, type Assessment, type Installed, type Packument } from './assess.js';
import { packumentUrl, type RegistryChoice } from './registry-config.js';

export const REGISTRY_TIMEOUT_MS = 3_000;

export type UpdateCheck =
  | { readonly kind: 'checked'; readonly registry: string; readonly assessment: Assessment }
  | { readonly kind: 'unpublished'; readonly registry: string }
  | { readonly kind: 'unreachable'; readonly registry: string; readonly cause: string };

export type Get = (url: string, options: { timeoutMs: number; headers?: Record<string, string> }) => Promise<GetResult>;

function cause(result: Exclude<GetResult, { kind: 'answers' }>, timeoutMs: number): string {
  switch (result.kind) {
    case 'timeout':
      return `no answer within ${timeoutMs / 1000} s`;
    case 'refused':
      return 'connection refused';
    case 'dns':
      return `cannot resolve ${result.host} (DNS)`;
    default:
      return result.message;
  }
}

export async function checkForUpdate(input: {
  registry: RegistryChoice;
  installed: Installed;
  hostId: string;
  get: Get;
  timeoutMs?: number;
}): Promise<UpdateCheck> {
  const registry = input.registry.url;
  const timeoutMs = input.timeoutMs ?? REGISTRY_TIMEOUT_MS;
  // The full packument: the abbreviated one (application/vnd.npm.install-v1+json) drops the custom
  // package.json fields (engineVersion, releaseNotes) that say what a release would change.
  const result = await input.get(packumentUrl(registry, PACKAGE_NAME), {
    timeoutMs,
    headers: { accept: 'application/json' },
  });
  if (result.kind !== 'answers') return { kind: 'unreachable', registry, cause: cause(result, timeoutMs) };
  if (result.status === 404) return { kind: 'unpublished', registry };
  if (result.status === 401 || result.status === 403)
    return {
      kind: 'unreachable',
      registry,
      cause: `HTTP ${result.status}: the registry wants a login, which update --check does not send`,
    };
  if (result.status !== 200) return { kind: 'unreachable', registry, cause: `HTTP ${result.status}` };
  let packument: Packument;
  try {
    packument = JSON.parse(result.text) as Packument;
  } catch {
    return { kind: 'unreachable', registry, cause: 'the answer is not JSON' };
  }
  const assessment = assess(packument, input.installed, input.hostId);
  return assessment ? { kind: 'checked', registry, assessment } : { kind: 'unpublished', registry };
}
