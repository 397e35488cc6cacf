// `status` with no state file while engines of this home run: they are not "stopped" (they hold its
// data and ports), so each is named, with the way to stop them.
import { EXIT } from '../errors.js';
import type { CommandContext } from '../kit/context.js';
import type { FoundEngine } from '../os/find-engines.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { UntrackedStatusResult } from '../results/status.js';

/** One row per engine found, under a header, each cell padded to its column. Pure. */
export function strayTableLines(strays: readonly FoundEngine[]): string[] {
  const rows = [
    ['NODE', 'PORT', 'PID', 'PROCESS'],
    ...strays.map((e) => [
      e.nodeId === null ? '?' : String(e.nodeId),
      e.port === null ? '?' : String(e.port),
      String(e.pid),
      e.frozen ? 'frozen' : 'running',
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map(
    (row) =>
      `  ${row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd()}`,
  );
}

/** No state, but engines of this home run: name each one and the way to stop them. */
export function untrackedStatus(ctx: CommandContext, strays: readonly FoundEngine[]): number {
  const { out } = ctx;
  out.info(
    `Nano cluster (untracked): degraded — ${strays.length} engine process(es) of this home run, but ${ctx.layout.stateFile} does not track them.`,
  );
  out.info('');
  for (const line of strayTableLines(strays)) out.info(line);
  out.info('');
  out.info(
    `The state file was lost or removed, so start, stop and clean cannot manage them. Stop them with "${ctx.prog} stop --force".`,
  );
  out.result({
    schemaVersion: SCHEMA_VERSION,
    managed: false,
    cluster: 'degraded',
    exitCode: EXIT.degraded,
    home: ctx.layout.home,
    untracked: strays,
  } satisfies UntrackedStatusResult);
  return EXIT.degraded;
}
