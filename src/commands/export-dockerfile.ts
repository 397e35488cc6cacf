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
  // The engine copied beside the Dockerfile (--engine local), if that is the choice.
  const copy =
    choice.kind === 'local' && 'path' in found
      ? { source: found.path, origin: found.origin, arch: choice.arch, file: localEngineFile(choice.arch) }
      : null;
  let version = x.facts.version;
  let engine: EngineSource = { kind: 'npm', packages: x.facts.packages, binaryName: x.facts.binaryName };
  if (copy) {
    // The image is tagged with the version of the binary it really holds (an override may differ from the package).
    const check = await checkEngineVersion(copy.source, hostGlibcVersion);
    if (check.version === null)
      throw new UserError(
        `--engine local: the engine ${copy.source} did not say its version (${check.warning ?? 'no answer to --version'}); it cannot be packaged. Fix it, or use --engine npm.`,
      );
    version = check.version;
    engine = { kind: 'local', file: copy.file, arch: copy.arch, origin: copy.origin };
  }
  const text = dockerfile({ engine, version, generator: x.generator });
  const image = defaultImage(version);
  // Why the build fetches from npm when the user did not ask for it, as a sentence.
  const why = choice.kind === 'npm' && choice.why ? `${choice.why[0]!.toUpperCase()}${choice.why.slice(1)}.` : null;

  if (x.out === undefined) {
    if (ctx.out.mode === 'json')
      ctx.out.result({ ok: true, target: 'dockerfile', engine: engine.kind, image, dockerfile: text });
    else ctx.out.info(text.trimEnd());
    if (copy)
      ctx.out.warn(
        `The Dockerfile copies ${copy.file} from its folder; only --out puts it there. Or copy it yourself: cp ${shellPath(copy.source)} ${copy.file}`,
      );
    if (why) ctx.out.warn(why);
    return 0;
  }

  const folder = path.dirname(x.out);
  const copied = copy ? path.join(folder, copy.file) : null;
  let copiedAnew = false;
  if (copy && copied) {
    const existing = statSync(copied, { throwIfNoEntry: false });
    if (existing?.isDirectory())
      throw invalidArgument(
        `${copied} is a folder; the engine is copied to that name beside the Dockerfile. Move it aside, or export to another folder.`,
      );
    if (existing && !x.force && !x.previousOurs) {
      throw invalidArgument(
        `${copied} exists and was not written by export (the Dockerfile beside it is not ours); it was left as it is. Export to another folder, or replace it with --force.`,
      );
    }
    copyFileAtomic(copy.source, copied, 0o755);
    copiedAnew = !existing;
  }
  try {
    await writeFileAtomic(x.out, text, 0o644);
  } catch (error) {
    // Nothing half-done: an engine copied for a Dockerfile that could not be written goes too.
    if (copied && copiedAnew && existsSync(copied)) removeFile(copied);
    throw error;
  }
  const written = copied ? [copied, x.out] : [x.out];
  const build = `${shellPath(folder)}${path.basename(x.out) === 'Dockerfile' ? '' : ` -f ${shellPath(x.out)}`}`;
  if (engine.kind === 'local') {
    ctx.out.success(
      `Wrote the engine image's Dockerfile to ${x.out}, with the engine this plugin runs (${version}, linux/${engine.arch}) beside it as ${engine.file}.`,
    );
  } else {
    ctx.out.success(
      `Wrote the engine image's Dockerfile to ${x.out} (the build fetches ${x.facts.packages.amd64}@${version} or its arm64 twin from npm).`,
    );
    if (why) ctx.out.info(`  ${why}`);
  }
  ctx.out.info(`Build it: docker build -t ${image} ${build}   (or podman build; buildah bud)`);
  ctx.out.info(`Push it where your cluster pulls from, then export with --image <registry>/${image}.`);
  ctx.out.result({ ok: true, target: 'dockerfile', engine: engine.kind, image, written });
  return 0;
}
