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
import { defaultImage, dockerfile, localEngineFile, type EngineSource, type ImageArch } from '../export/dockerfile.js';
import { chooseEngine } from '../export/engine-choice.js';
import { shellPath } from '../export/shell-path.js';
import { readConfig } from '../state/config.js';
import { copyFileAtomic, removeFile, writeFileAtomic } from '../state/files.js';
import type { CommandContext } from '../kit/context.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { ExportResult } from '../results/export.js';

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

/** The engine copied beside the Dockerfile (--engine local). */
interface EngineCopy {
  readonly source: string;
  readonly origin: string;
  readonly arch: ImageArch;
  /** Its file name beside the Dockerfile. */
  readonly file: string;
}

/** What the image is built from: the engine's source, its version (the tag), and why npm when not asked. */
interface ImagePlan {
  readonly copy: EngineCopy | null;
  readonly engine: EngineSource;
  readonly version: string;
  readonly text: string;
  readonly image: string;
  /** Why the build fetches from npm when the user did not ask for it, as a sentence. */
  readonly why: string | null;
}

async function planImage(ctx: CommandContext, x: DockerfileExport): Promise<ImagePlan> {
  const found = x.engineFlag === 'npm' ? { problem: 'not asked' } : await localEngine(ctx);
  const choice = chooseEngine(x.engineFlag, found);
  if (choice.kind === 'refused') throw invalidArgument(choice.message);
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
  const why = choice.kind === 'npm' && choice.why ? `${choice.why[0]!.toUpperCase()}${choice.why.slice(1)}.` : null;
  return { copy, engine, version, text, image: defaultImage(version), why };
}

/** Without --out: the Dockerfile printed (or as JSON), and what a build of it still needs. */
function printDockerfile(ctx: CommandContext, plan: ImagePlan): number {
  const { copy, engine, image, text } = plan;
  if (ctx.out.mode === 'json')
    ctx.out.result({
      schemaVersion: SCHEMA_VERSION,
      ok: true,
      target: 'dockerfile',
      engine: engine.kind,
      image,
      dockerfile: text,
    } satisfies ExportResult);
  else ctx.out.info(text.trimEnd());
  if (copy)
    ctx.out.warn(
      `The Dockerfile copies ${copy.file} from its folder; only --out puts it there. Or copy it yourself: cp ${shellPath(copy.source)} ${copy.file}`,
    );
  if (plan.why) ctx.out.warn(plan.why);
  return 0;
}

/** Copies the engine beside the Dockerfile, refusing to replace a file an export did not write; whether it is new. */
function copyEngine(copy: EngineCopy, copied: string, x: DockerfileExport): boolean {
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
  return !existing;
}

/** The engine (if copied) and the Dockerfile, written together or not at all; returns the files written. */
async function writeDockerfile(plan: ImagePlan, out: string, x: DockerfileExport): Promise<string[]> {
  const copied = plan.copy ? path.join(path.dirname(out), plan.copy.file) : null;
  const copiedAnew = plan.copy && copied ? copyEngine(plan.copy, copied, x) : false;
  try {
    await writeFileAtomic(out, plan.text, 0o644);
  } catch (error) {
    // Nothing half-done: an engine copied for a Dockerfile that could not be written goes too.
    if (copied && copiedAnew && existsSync(copied)) removeFile(copied);
    throw error;
  }
  return copied ? [copied, out] : [out];
}

/** What was written, and how to build and push the image. */
function reportWritten(ctx: CommandContext, plan: ImagePlan, out: string, x: DockerfileExport): void {
  const { engine, version, image } = plan;
  if (engine.kind === 'local') {
    ctx.out.success(
      `Wrote the engine image's Dockerfile to ${out}, with the engine this plugin runs (${version}, linux/${engine.arch}) beside it as ${engine.file}.`,
    );
  } else {
    ctx.out.success(
      `Wrote the engine image's Dockerfile to ${out} (the build fetches ${x.facts.packages.amd64}@${version} or its arm64 twin from npm).`,
    );
    if (plan.why) ctx.out.info(`  ${plan.why}`);
  }
  const build = `${shellPath(path.dirname(out))}${path.basename(out) === 'Dockerfile' ? '' : ` -f ${shellPath(out)}`}`;
  ctx.out.info(`Build it: docker build -t ${image} ${build}   (or podman build; buildah bud)`);
  ctx.out.info(`Push it where your cluster pulls from, then export with --image <registry>/${image}.`);
}

export async function exportDockerfile(ctx: CommandContext, x: DockerfileExport): Promise<number> {
  const plan = await planImage(ctx, x);
  if (x.out === undefined) return printDockerfile(ctx, plan);
  const written = await writeDockerfile(plan, x.out, x);
  reportWritten(ctx, plan, x.out, x);
  ctx.out.result({
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    target: 'dockerfile',
    engine: plan.engine.kind,
    image: plan.image,
    written,
  } satisfies ExportResult);
  return 0;
}
