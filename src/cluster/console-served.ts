// Which console a node really serves, asked rather than assumed: the console API answers only when the
// console is on, and the studio's authoring API (the worker SDK) is refused (403) in observe mode.
import type { HttpProbe, ProbeResult } from '../os/http-probe.js';
import type { ConsoleMode } from '../shape.js';

const ASK_TIMEOUT_MS = 800;

/** Pure: the mode from the two answers, or null when the node did not answer clearly. */
export function consoleModeFrom(topology: ProbeResult, workerSdk: ProbeResult): ConsoleMode | null {
  if (topology.kind !== 'answers') return null;
  if (topology.status === 404) return 'off';
  if (topology.status >= 300) return null;
  if (workerSdk.kind !== 'answers') return null;
  return workerSdk.status < 300 ? 'studio' : 'observe';
}

export async function askConsoleMode(probe: HttpProbe, url: string): Promise<ConsoleMode | null> {
  const [topology, sdk] = await Promise.all([
    probe.getJson(`${url}/console/api/topology`, ASK_TIMEOUT_MS),
    probe.getJson(`${url}/console/api/worker-sdk`, ASK_TIMEOUT_MS),
  ]);
  return consoleModeFrom(topology, sdk);
}

/** The console line of start and status, for what the node serves. */
export function consoleLine(url: string, served: ConsoleMode | null): string {
  if (served === 'off') return 'off';
  if (served === 'observe') return `${url}/console (observe: read-only)`;
  if (served === 'studio') return `${url}/console (studio: the web IDE for models and workers)`;
  return `${url}/console (did not answer when asked)`;
}
