// `nano update [--check] [--yes]`: is there a newer release, what would it change, and the upgrade
// itself: inside c8ctl through `c8ctl upgrade plugin c8ctl-plugin-nano` (c8ctl knows where the
// plugin came from), standalone through the npm command that matches how it was installed.
import { existsSync } from 'node:fs';
import { EXIT, UserError } from '../errors.js';
import { packageRoot } from '../package-files.js';
import type { NanoArgs } from '../kit/args.js';
import { PACKAGE_NAME } from '../package-name.js';
import { engineChange } from '../update/assess.js';
import { planUpdate, type UpdatePlan } from '../update/install-kind.js';
import { hostId, installed } from '../update/installed.js';
import { checkForUpdate, type UpdateCheck } from '../update/query.js';
import { chooseRegistry, registryProblem } from '../update/registry-config.js';
import type { CommandContext } from '../kit/context.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { UpdateResult } from '../results/tools.js';

interface Route {
  readonly display: string;
  readonly run?: { readonly file: string; readonly args: readonly string[]; readonly cwd: string };
  readonly via: 'c8ctl' | UpdatePlan['kind'];
}

function route(ctx: CommandContext, latest: string): Route {
  const host = ctx.hostCommand;
  if (ctx.hostVersion !== undefined && host && host.length > 0) {
    const args = ['upgrade', 'plugin', PACKAGE_NAME];
    return {
      via: 'c8ctl',
      display: `c8ctl ${args.join(' ')}`,
      run: { file: host[0]!, args: [...host.slice(1), ...args], cwd: ctx.cwd },
    };
  }
  // Without our package root (never seen; a damaged install) nothing can be told about how it was installed.
  const root = packageRoot();
  const plan = planUpdate(root ?? '', latest, (file) => root !== undefined && existsSync(file));
  return { ...plan, via: plan.kind };
}

function failure(ctx: CommandContext, check: Exclude<UpdateCheck, { kind: 'checked' }>): number {
  const message =
    check.kind === 'unpublished'
      ? `${PACKAGE_NAME} is not published on ${check.registry}; nothing changed.`
      : `Could not ask the registry ${check.registry}: ${check.cause}; nothing changed.`;
  ctx.out.error(
    message,
    check.kind === 'unpublished'
      ? ['Another registry? Set npm_config_registry (or C8CTL_NANO_REGISTRY), or registry= in .npmrc.']
      : [],
  );
  ctx.out.result({
    schemaVersion: SCHEMA_VERSION,
    ok: false,
    registry: check.registry,
    error: { code: check.kind === 'unpublished' ? 'not-published' : 'registry-unreachable', message },
  } satisfies UpdateResult);
  return EXIT.failure;
}

export async function updateCommand(ctx: CommandContext, args: NanoArgs<'update'>): Promise<number> {
  const { out } = ctx;
  const registry = chooseRegistry(ctx.env, ctx.cwd);
  const problem = registryProblem(registry);
  if (problem !== null) throw new UserError(problem, { code: 'bad-registry' });
  const check = await checkForUpdate({ registry, installed: installed(), hostId: hostId(), get: ctx.effects.httpGet });
  if (check.kind !== 'checked') return failure(ctx, check);
  const a = check.assessment;
  const doc = {
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    registry: check.registry,
    registrySource: registry.from,
    ...a,
  } as const;
  if (!a.updateAvailable) {
    out.success(`${PACKAGE_NAME} ${a.current} is the newest release (on ${check.registry})`);
    out.result({ ...doc, action: 'none' } satisfies UpdateResult);
    return EXIT.ok;
  }
  const how = route(ctx, a.latest);
  const change = engineChange(a);
  out.info(`⚠ A newer release exists: ${a.latest} (you have ${a.current})${change ? `; ${change}` : ''}.`);
  out.info(a.releaseNotes ? `Release notes:\n${a.releaseNotes}` : 'No release notes published.');
  const update = { via: how.via, command: how.display };
  if (args.flags.check === true) {
    out.info(`Update with: ${how.display}`);
    out.result({ ...doc, update, action: 'none' } satisfies UpdateResult);
    return EXIT.ok;
  }
  const go = how.via === 'c8ctl' || args.flags.yes === true || ctx.assumeYes;
  if (!how.run || !go) {
    out.info(`Update with: ${how.display}${how.run ? `\n(or run "${ctx.prog} update --yes" to have it run)` : ''}`);
    out.result({ ...doc, update, action: 'printed' } satisfies UpdateResult);
    return EXIT.ok;
  }
  out.info(`Running: ${how.display}`);
  const code = await ctx.effects.runInherit({ ...how.run, stdoutToStderr: out.mode === 'json' });
  if (code !== 0) {
    out.error(`"${how.display}" failed (exit ${code}).`);
    out.result({
      ...doc,
      ok: false,
      update,
      action: 'ran',
      exitCode: code,
      error: { code: 'update-failed', message: `${how.display} exited ${code}` },
    } satisfies UpdateResult);
    return EXIT.failure;
  }
  out.success(`Updated to ${a.latest}; the next command runs it.`);
  out.result({ ...doc, update, action: 'ran', exitCode: 0 } satisfies UpdateResult);
  return EXIT.ok;
}
