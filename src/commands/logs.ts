// `nano logs [id] [-f] [-n <count>]`: in Node, no `tail`, so it works everywhere. Logs outlive the
// cluster, so this works after `stop` too, reading whatever node logs the home holds.
import { readdir } from 'node:fs/promises';
import type { NanoArgs } from '../kit/args.js';
import { parseNodeId } from '../cluster/select-node.js';
import { parseWholeNumber } from '../values.js';
import { EXIT, invalidArgument, UserError } from '../errors.js';
import { interleave, prefixed } from '../logs/merge.js';
import { fileSizes, followFiles, readLastLines } from '../logs/tail.js';
import { redact, secretsOf } from '../cluster/redact.js';
import { readClusterState, type ClusterState } from '../state/cluster-state.js';
import { untilStopped, type CommandContext } from '../kit/context.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { LogsResult } from '../results/tools.js';

const DEFAULT_LINES = 50;
const CONTEXT_LINES = 50;

async function nodesWithLogs(ctx: CommandContext, state: ClusterState | null): Promise<number[]> {
  if (state) return state.nodes.map((n) => n.id);
  const names = await readdir(ctx.layout.logsDir).catch(() => [] as string[]);
  return names
    .map((name) => /^node-(\d+)\.log$/.exec(name)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

export async function logsCommand(ctx: CommandContext, args: NanoArgs<'logs'>): Promise<number> {
  const { out, layout } = ctx;
  const linesText = args.flags.lines;
  const count = linesText === undefined ? DEFAULT_LINES : parseWholeNumber(linesText);
  if (count === undefined)
    throw invalidArgument(`--lines "${linesText}" is not a whole number of lines. Example: -n 200`);
  const follow = args.flags.follow === true;
  if (follow && out.mode === 'json')
    throw invalidArgument('--follow cannot be combined with --json: a followed log never ends as one JSON document.');

  const state = await readClusterState(layout.stateFile);
  const secrets = secretsOf(state);
  const ids = await nodesWithLogs(ctx, state);
  if (ids.length === 0)
    throw new UserError(`No node logs in ${layout.logsDir} yet. Start a cluster with "${ctx.prog} start".`, {
      code: 'no-logs',
    });
  const selected = args.positionals[0] === undefined ? ids : [parseNodeId(args.positionals[0], ids, 'logs')];
  const withPrefix = selected.length > 1;

  // Sizes first: the tail ends there and following starts there, so no line is lost or doubled.
  const ends = await fileSizes(selected.map((node) => layout.nodeLog(node)));
  // Extra lines give untimed lines near the cut a timestamp to sort by; only `count` are shown.
  const perNode = await Promise.all(
    selected.map(async (node, i) => ({
      node,
      lines: await readLastLines(layout.nodeLog(node), count + CONTEXT_LINES, ends[i]),
    })),
  );
  const tail = (count === 0 ? [] : interleave(perNode).slice(-count)).map((line) => ({
    ...line,
    text: redact(line.text, secrets),
  }));
  for (const line of tail) out.info(prefixed(line, withPrefix));
  out.result({ schemaVersion: SCHEMA_VERSION, nodes: selected, lines: tail } satisfies LogsResult);
  if (!follow) return EXIT.ok;

  await followFiles(
    selected.map((node, i) => ({ node, file: layout.nodeLog(node), from: ends[i] ?? 0 })),
    untilStopped(ctx),
    ctx.effects.sleep,
    {
      line: (node, text) => out.info(prefixed({ node, text: redact(text, secrets) }, withPrefix)),
      notice: (node, text) => out.warn(`node-${node}: ${text}`),
    },
  );
  // Ctrl-C (or the reader leaving) is how following ends: a clean exit, not an error.
  return EXIT.ok;
}
