// `nano drill [FAULT]`: rehearses one fault on the running cluster and measures it (ops/drill-run.ts),
// then says what it means: a table and a timeline on the terminal (drill-render.ts), one document with
// --json, an HTML report with --report. The exit code is the verdict: 0 whole, 4 converged but lost
// or duplicated something, 5 did not converge; a script (an engine's CI) can run it as a test.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { noClusterError } from '../cluster/select-node.js';
import { parseDrillOptions, type DrillOptions } from '../drill/options.js';
import { drillReportHtml } from '../drill/report-html.js';
import { drillResult } from '../drill/result.js';
import { EXIT, UserError } from '../errors.js';
import { SHAPE_FLAGS } from '../grammar/shape-flags.js';
import type { NanoArgs } from '../kit/args.js';
import type { CommandContext } from '../kit/context.js';
import { startFreshCluster, stopFreshCluster } from '../ops/drill-fresh.js';
import { runDrill } from '../ops/drill-run.js';
import { shapeFlags } from '../kit/shape-flags.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { DrillResult } from '../results/drill.js';
import { readClusterState } from '../state/cluster-state.js';
import { writeFileAtomic } from '../state/files.js';
import { acquireLock } from '../state/lock.js';
import { renderDrill } from './drill-render.js';

const EXIT_OF = { whole: EXIT.ok, lost: EXIT.drillLost, 'not-converged': EXIT.drillNotConverged } as const;

export async function drillCommand(ctx: CommandContext, args: NanoArgs<'drill'>): Promise<number> {
  const options = parseDrillOptions(args.positionals[0], args.flags);
  const report = options.report === null ? null : reportTarget(ctx, options.report);
  if (ctx.platform === 'win32' && options.fault === 'pause')
    throw new UserError(`A pause drill needs SIGSTOP, which Windows does not have: drill kill instead.`, {
      code: 'unsupported',
    });
  const fresh = args.flags.fresh !== undefined;
  refuseShapeWithoutFresh(args);
  const state = fresh
    ? await startFreshCluster(ctx, { ...shapeFlags(args), count: args.flags.fresh })
    : await readClusterState(ctx.layout.stateFile);
  if (!state) throw noClusterError(ctx.layout.home, ctx.prog);
  let result: DrillResult;
  try {
    result = await drillLocked(ctx, state, options, args.flags.target ?? 'leader-of:1', report);
    if (report !== null) await writeFileAtomic(report, drillReportHtml(result, { prog: ctx.prog }), 0o644);
    show(ctx, result, options);
  } finally {
    // The drill's own cluster goes once its verdict is shown (or on any failure); its data stays.
    if (fresh) await stopFreshCluster(ctx);
  }
  ctx.out.result(result);
  return EXIT_OF[result.verdict];
}

async function drillLocked(
  ctx: CommandContext,
  state: ClusterState,
  options: DrillOptions,
  targetText: string,
  report: string | null,
): Promise<DrillResult> {
  const release = await acquireLock(ctx.layout.lockFile, 'drill', { readProcess: ctx.effects.readProcess });
  try {
    return drillResult({ ...(await runDrill(ctx, state, options, targetText)), report });
  } finally {
    await release();
  }
}

/** The shape flags describe the cluster --fresh starts; on a running cluster they would be ignored. */
function refuseShapeWithoutFresh(args: NanoArgs<'drill'>): void {
  if (args.flags.fresh !== undefined) return;
  const shape = ['port', ...(Object.keys(SHAPE_FLAGS) as Array<keyof typeof SHAPE_FLAGS>)] as const;
  const given = shape.find((name) => args.flags[name] !== undefined);
  if (given)
    throw new UserError(
      `--${given} shapes the cluster "drill --fresh <N>" starts; without --fresh the drill runs on the cluster as it is. Example: drill kill --fresh 3 --rf 3 --${given} …`,
      { code: 'invalid-argument' },
    );
}

/** Where --report goes: refused before the drill when its folder is missing or it names a folder. */
function reportTarget(ctx: CommandContext, file: string): string {
  const target = path.resolve(ctx.cwd, file);
  if (!existsSync(path.dirname(target)))
    throw new UserError(
      `--report ${file}: the folder ${path.dirname(target)} does not exist. Create it, or pick another file.`,
      {
        code: 'invalid-argument',
      },
    );
  if (existsSync(target) && statSync(target).isDirectory())
    throw new UserError(`--report ${file} is a folder: name a file, e.g. --report drill.html.`, {
      code: 'invalid-argument',
    });
  return target;
}

function show(ctx: CommandContext, result: DrillResult, options: DrillOptions): void {
  if (ctx.out.mode === 'json') return;
  // The terminal's width where there is one; a pipe or a file gets 80 columns.
  const width = Math.min(100, Math.max(60, process.stdout.columns ?? 80));
  for (const line of renderDrill(result, { width, prog: ctx.prog })) ctx.out.info(line);
  if (result.report) ctx.out.info(`Report: ${result.report}`);
  if (options.fault === 'none') ctx.out.info('That was a baseline: the same workload and checks without a fault.');
}
