// `processos set <key> <value>` and `processos config`. Settings live under "processos" in config.json;
// what each key accepts is settings-change.ts, what config shows is settings-view.ts.
import { EXIT } from '../errors.js';
import type { ProcessosArgs } from '../kit/args.js';
import type { CommandContext } from '../kit/context.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { ProcessosSetResult } from '../results/processos.js';
import { readConfig, writeConfig } from '../state/config.js';
import { ensurePrivateDir } from '../state/home.js';
import { processosSettings, withProcessosSettings } from '../state/processos-settings.js';
import { changeSetting, settingToSet } from './settings-change.js';
import { configLines, configResult, gatherConfig, shownSettings } from './settings-view.js';

export async function processosSet(ctx: CommandContext, args: ProcessosArgs<'set'>): Promise<number> {
  const { out, layout } = ctx;
  const { key, value } = settingToSet(args.positionals, ctx.prog);
  const config = await readConfig(layout.configFile);
  const { next, said } = changeSetting(key, value, processosSettings(config, layout.configFile), ctx);
  await ensurePrivateDir(layout.home);
  await writeConfig(layout.configFile, withProcessosSettings(config, next));
  out.success(`${said} It applies from the next start.`);
  out.result({
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    setting: key,
    processos: shownSettings(next),
  } satisfies ProcessosSetResult);
  return EXIT.ok;
}

export async function processosConfig(ctx: CommandContext): Promise<number> {
  const view = await gatherConfig(ctx);
  for (const line of configLines(view, ctx.layout)) ctx.out.info(line);
  ctx.out.result(configResult(view, ctx.layout));
  return EXIT.ok;
}
