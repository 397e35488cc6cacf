// `export dockerfile`: the engine image's Dockerfile, and with `--engine local` (the default when the
// engine this plugin runs is a Linux one) that engine copied beside it, so the image builds offline
// from the binary the user already runs. The Dockerfile text is pure (export/dockerfile.ts).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { inspectExecutable, type ExecutableInfo } from '../binary/executable-format.js';
import { findEngineBinary } from '../binary/find.js';
import { hostGlibcVersion, readExecutableHead } from '../binary/host.js';
import { checkEngineVersion } from '../binary/version.js';
import { invalidArgument, UserError } from '../errors.js';
import { defaultImage, dockerfile, localEngineFile, type EngineSource } from '../export/dockerfile.js';
import { chooseEngine } from '../export/engine-choice.js';
import { shellPath } from '../export/shell-path.js';
import { readConfig } from '../state/config.js';
import { copyFileAtomic, removeFile, writeFileAtomic } from '../state/files.js';
import type { CommandContext } from '../kit/context.js';

export interface EngineImageFacts {
  readonly packages: { readonly amd64: string; readonly arm64: string };
  readonly version: string;
  readonly binaryName: string;
}

export interface DockerfileExport {
  readonly out: string | undefined;
  /** The --out file exists and an earlier export wrote it: its engine file beside it is ours too. */
  readonly previousOurs: boolean;
  readonly facts: EngineImageFacts;
  readonly generator: string;
  readonly engineFlag: string | undefined;
  readonly force: boolean;
}

/** The engine `start` would run, with its header; or why there is none. */
async function localEngine(
  ctx: CommandContext,
): Promise<{ path: string; origin: string; info: ExecutableInfo } | { problem: string }> {
  try {
    const config = await readConfig(ctx.layout.configFile);
    const binary = findEngineBinary({ configured: config.binary, env: ctx.env, cwd: ctx.cwd });
    return {
      path: binary.path,
      origin: binary.sourceLabel,
      info: inspectExecutable(readExecutableHead(binary.path) ?? Buffer.alloc(0)),
    };
  } catch (error) {
    if (error instanceof UserError) return { problem: `no engine to copy (${error.message.replace(/\.$/, '')})` };
    throw error;
  }
}

export async function exportDockerfile(ctx: CommandContext, x: DockerfileExport): Promise<number> {
  const found = x.engineFlag === 'npm' ? { problem: 'not asked' } : await localEngine(ctx);
  const choice = chooseEngine(x.engineFlag, found);
  if (choice.kind === 'refused') throw invalidArgument(choice.message);
  let version = x.facts.version;
  let engine: EngineSource = { kind: 'npm', packages: x.facts.packages, binaryName: x.facts.binaryName };
  const usable = choice.kind === 'local' && 'path' in found ? found : null;
  if (choice.kind === 'local' && usable) {
    // The image is tagged with the version of the binary it really holds (an override may differ from the package).
    const check = await checkEngineVersion(usable.path, hostGlibcVersion);
    if (check.version === null)
      throw new UserError(
        `--engine local: the engine ${usable.path} did not say its version (${check.warning ?? 'no answer to --version'}); it cannot be packaged. Fix it, or use --engine npm.`,
      );
    version = check.version;
    engine = { kind: 'local', file: localEngineFile(choice.arch), arch: choice.arch, origin: usable.origin };
  }
  const text = dockerfile({ engine, version, generator: x.generator });
  const image = defaultImage(version);
  const why = choice.kind === 'npm' ? choice.why : null;

  if (x.out === undefined) {
    if (ctx.out.mode === 'json')
      ctx.out.result({ ok: true, target: 'dockerfile', engine: engine.kind, image, dockerfile: text });
    else ctx.out.info(text.trimEnd());
    if (usable && engine.kind === 'local')
      ctx.out.warn(
        `The Dockerfile copies ${engine.file} from its folder; only --out puts it there. Or copy it yourself: cp ${shellPath(usable.path)} ${engine.file}`,
      );
    if (why) ctx.out.warn(`${why[0]!.toUpperCase()}${why.slice(1)}.`);
    return 0;
  }

  const folder = path.dirname(x.out);
  const written: string[] = [];
  if (usable && engine.kind === 'local') {
    const target = path.join(folder, engine.file);
    const existing = statSync(target, { throwIfNoEntry: false });
    if (existing?.isDirectory())
      throw invalidArgument(
        `${target} is a folder; the engine is copied to that name beside the Dockerfile. Move it aside, or export to another folder.`,
      );
    if (existing && !x.force && !x.previousOurs) {
      throw invalidArgument(
        `${target} exists and was not written by export (the Dockerfile beside it is not ours); it was left as it is. Export to another folder, or replace it with --force.`,
      );
    }
    copyFileAtomic(usable.path, target, 0o755);
    if (!existing) written.push(target);
  }
  try {
    await writeFileAtomic(x.out, text, 0o644);
  } catch (error) {
    // Nothing half-done: the engine copied for a Dockerfile that could not be written goes too.
    for (const file of written) if (existsSync(file)) removeFile(file);
    throw error;
  }
  if (usable && engine.kind === 'local') written.splice(0, written.length, path.join(folder, engine.file));
  written.push(x.out);
  const build = `${shellPath(folder)}${path.basename(x.out) === 'Dockerfile' ? '' : ` -f ${shellPath(x.out)}`}`;
  if (engine.kind === 'local') {
    ctx.out.success(
      `Wrote the engine image's Dockerfile to ${x.out}, with the engine this plugin runs (${version}, linux/${engine.arch}) beside it as ${engine.file}.`,
    );
  } else {
    ctx.out.success(
      `Wrote the engine image's Dockerfile to ${x.out} (the build fetches ${x.facts.packages.amd64}@${version} or its arm64 twin from npm).`,
    );
    if (why) ctx.out.info(`  ${why[0]!.toUpperCase()}${why.slice(1)}.`);
  }
  ctx.out.info(`Build it: docker build -t ${image} ${build}   (or podman build; buildah bud)`);
  ctx.out.info(`Push it where your cluster pulls from, then export with --image <registry>/${image}.`);
  ctx.out.result({ ok: true, target: 'dockerfile', engine: engine.kind, image, written });
  return 0;
}
