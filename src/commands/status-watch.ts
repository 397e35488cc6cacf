// `status --watch`: the managed cluster collected again every interval until Ctrl-C (or the reader
// goes away), each frame drawn by the renderer the verb hands in (status-render.ts's renderFrame).
import { readClusterState, type ClusterState } from '../state/cluster-state.js';
import { EXIT } from '../errors.js';
import { untilStopped, type CommandContext } from '../kit/context.js';
import { collectManaged, type ManagedView } from '../ops/status-view.js';

/**
 * The time of day each frame is stamped with. A real date, not ctx.effects.now (a monotonic clock with
 * no date): this is the one place the watch reads the wall clock, and a test hands in its own.
 */
export type WallClock = () => number;

/** The frame's stamp: the UTC time of day, HH:MM:SS. */
export const frameStamp = (epochMs: number): string => new Date(epochMs).toISOString().slice(11, 19);

/** How a frame reads: the stamp, the interval, the cluster tracked then (or null), and the previous view. */
export type FrameRenderer = (
  ctx: CommandContext,
  stamp: string,
  intervalMs: number,
  tracked: { readonly state: ClusterState; readonly view: ManagedView } | null,
  previous: ManagedView | undefined,
) => string[];

/** A frame per interval until stopped, redrawn in place on a terminal. */
export async function watchStatus(
  ctx: CommandContext,
  intervalMs: number,
  render: FrameRenderer,
  wallClock: WallClock = Date.now,
): Promise<number> {
  let previous: ManagedView | undefined;
  const stopped = untilStopped(ctx);
  const interrupted = new Promise((resolve) => stopped.addEventListener('abort', resolve, { once: true }));
  while (!stopped.aborted) {
    // Read the state each time: node start/restart elsewhere changes PIDs.
    const state = await readClusterState(ctx.layout.stateFile);
    const stamp = frameStamp(wallClock());
    const view = state === null ? undefined : await collectManaged(ctx, state);
    ctx.out.frame(render(ctx, stamp, intervalMs, state && view ? { state, view } : null, previous));
    previous = view;
    await Promise.race([ctx.effects.sleep(intervalMs), interrupted]);
  }
  return EXIT.ok;
}
