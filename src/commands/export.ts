// `nano export kubernetes|compose|dockerfile`: the cluster `start` would run, written for an
// orchestrator. Rendering is pure (src/export/); the targets' parts (export-*.ts) pick the secret, write
// files and say what to do next. Nothing is written unless --out names a file; a failed write leaves nothing behind.
import path from 'node:path';
import { PLATFORMS } from '../../platforms.js';
import type { NanoArgs } from '../kit/args.js';
import { invalidArgument, UserError } from '../errors.js';
import { defaultImage } from '../export/dockerfile.js';
import { exportDockerfile, type EngineImageFacts } from './export-dockerfile.js';
import { validateExport } from '../export/request.js';
import { readPackageJson } from '../package-files.js';
import { pluginVersion } from '../version.js';
import type { CommandContext } from '../kit/context.js';
import { shapeFlags } from '../kit/shape-flags.js';
import { checkOutFile, GENERATOR, refuseShapeChange } from '../export/files.js';
import { exportKubernetes } from './export-kubernetes.js';
import { exportCompose } from './export-compose.js';
import { PACKAGE_NAME } from '../package-name.js';

export async function exportCommand(ctx: CommandContext, args: NanoArgs<'export'>): Promise<number> {
  const given = Object.keys(args.flags);
  const request = validateExport(
    {
      ...shapeFlags(args),
      target: args.positionals[0],
      count: args.positionals[1],
      image: args.flags.image,
      name: args.flags.name,
      namespace: args.flags.namespace,
      out: args.flags.out,
      env: ctx.env,
      given,
    },
    ctx.prog,
  );
  const out = request.out === undefined ? undefined : path.resolve(ctx.cwd, request.out);
  const previous = out === undefined ? undefined : checkOutFile(out, args.flags.force === true);
  if (out !== undefined && previous !== undefined && args.flags.force !== true && request.target !== 'dockerfile')
    refuseShapeChange(out, previous, request);
  const facts = engineImageFacts();
  const generator = `${GENERATOR} ${pluginVersion()}`;
  const image = request.image ?? defaultImage(facts.version);
  const json = ctx.out.mode === 'json';

  const allInterfaces = args.flags['all-interfaces'] === true;
  if (allInterfaces && request.target !== 'compose')
    throw invalidArgument(
      `--all-interfaces goes with export compose (it publishes the nodes' ports), not with ${request.target}.`,
    );
  const engineFlag = args.flags.engine;
  if (engineFlag !== undefined && request.target !== 'dockerfile')
    throw invalidArgument(
      `--engine goes with export dockerfile (it says where the image's engine comes from), not with ${request.target}.`,
    );
  if (request.target === 'dockerfile')
    return exportDockerfile(ctx, {
      out,
      previousOurs: previous?.includes(GENERATOR) === true,
      facts,
      generator,
      engineFlag,
      force: args.flags.force === true,
    });
  if (request.target === 'kubernetes')
    return exportKubernetes(ctx, request, { out, previous, image, json, force: args.flags.force === true });
  return exportCompose(ctx, request, { out, previous, image, json, force: args.flags.force === true }, allInterfaces);
}

function engineImageFacts(): EngineImageFacts {
  const linux = (cpu: string) => PLATFORMS.find((p) => p.os === 'linux' && p.cpu === cpu)!;
  const amd64 = linux('x64');
  const arm64 = linux('arm64');
  const version = readPackageJson<{ optionalDependencies?: Record<string, string> }>('package.json')
    ?.optionalDependencies?.[amd64.packageName];
  if (version === undefined) {
    throw new UserError(
      `This install of ${PACKAGE_NAME} names no version of ${amd64.packageName} (package.json optionalDependencies), so there is no engine to package. Reinstall the plugin.`,
    );
  }
  return { packages: { amd64: amd64.packageName, arm64: arm64.packageName }, version, binaryName: amd64.binaryName };
}
