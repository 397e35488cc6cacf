// Which engine binary to run. Pure: the file system and package lookup are passed in, so each rule
// is unit-tested on its own. First match wins; an explicit choice that points at nothing is an error
// that names where the choice came from, rather than a silent fall-through to another binary.
import path from 'node:path';
import { platformForHost, type HostDescription } from '../../platforms.js';
import { cannotRunHere, platformIdOf } from './executable-format.js';
import type { ErrorCode } from '../errors.js';

export type BinarySource = 'flag' | 'config' | 'env' | 'platform-package' | 'repo-release' | 'repo-debug';

/** What is at a path we are asked to run. Every stat failure has its own kind: ELOOP is not "no such file". */
export type FileKind =
  | 'executable'
  | 'not-executable'
  | 'directory'
  | 'missing'
  | 'broken-symlink'
  | 'symlink-loop'
  | 'not-a-directory'
  | 'no-access';

export interface ResolverInputs {
  readonly flag?: string | undefined;
  readonly configured?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly homedir: string;
  readonly host: HostDescription;
  readonly fileKind: (file: string) => FileKind;
  /** The first few KiB of a file, or undefined when unreadable (then the header is not judged). */
  readonly readHead: (file: string) => Buffer | undefined;
  /** Directory of an installed package, or undefined when it is not installed. */
  readonly packageDir: (packageName: string) => string | undefined;
  /** Why a platform package is missing (cause and fix lines); optional. */
  readonly explainMissing?: (packageName: string) => readonly string[];
}

export interface ResolvedBinary {
  readonly path: string;
  readonly source: BinarySource;
  /** Human description of the source, e.g. `NANOBPMN_BINARY`. */
  readonly sourceLabel: string;
}

export type Resolution =
  | ({ readonly ok: true } & ResolvedBinary)
  | { readonly ok: false; readonly message: string; readonly details: readonly string[]; readonly code?: ErrorCode };

const ENGINE_FILE = 'nanobpm-gateway-rest-server';

/** Why a path cannot be run, completing "<path>: …"; shared by every binary we look for. */
export function fileProblem(kind: FileKind): string {
  switch (kind) {
    case 'missing':
      return 'no such file';
    case 'broken-symlink':
      return 'it is a symlink to a file that does not exist';
    case 'symlink-loop':
      return 'it is a symlink loop (ELOOP): following its links never reaches a file';
    case 'not-a-directory':
      return 'part of the path is a file, not a folder (ENOTDIR)';
    case 'no-access':
      return 'a folder on the path is not readable by you (EACCES)';
    case 'directory':
      return 'it is a directory, not the binary';
    case 'not-executable':
      return 'it is not executable (chmod +x it)';
    default:
      return 'usable';
  }
}

/** Why an executable file still cannot run here (another CPU or OS, no executable header), or null. */
function headerProblem(inputs: ResolverInputs, file: string): string | null {
  const head = inputs.readHead(file);
  return head === undefined ? null : cannotRunHere(head, inputs.host);
}

const found = (file: string, source: BinarySource, sourceLabel: string): Resolution => ({
  ok: true,
  path: file,
  source,
  sourceLabel,
});

/** A choice the user made: where it came from, how to say it is unusable, and how to point at another. */
interface ExplicitChoice {
  readonly value: string | undefined;
  readonly source: BinarySource;
  readonly label: string;
  readonly explain: (value: string, why: string) => string;
  readonly pointAtAnother: string;
}

function explicitChoices(inputs: ResolverInputs, exe: string): ExplicitChoice[] {
  return [
    {
      value: inputs.flag,
      source: 'flag',
      label: '--binary',
      explain: (p, why) => `--binary ${p}: ${why}. Pass the path of the nanobpmn server binary (${ENGINE_FILE}${exe}).`,
      pointAtAnother: 'pass its path with --binary, or leave --binary out to use the one installed with this plugin',
    },
    {
      value: inputs.configured,
      source: 'config',
      label: 'config (nano set bin)',
      explain: (p, why) =>
        `The binary saved with "nano set bin" (${p}) cannot be used: ${why}. Save another with "c8ctl nano set bin <path>" or drop it with "c8ctl nano unset bin".`,
      pointAtAnother: 'save it with "c8ctl nano set bin <path>", or drop the saved one with "c8ctl nano unset bin"',
    },
    {
      value: inputs.env.NANOBPMN_BINARY,
      source: 'env',
      label: 'NANOBPMN_BINARY',
      explain: (p, why) => `NANOBPMN_BINARY=${p} cannot be used: ${why}. Fix the path or unset NANOBPMN_BINARY.`,
      pointAtAnother: 'point NANOBPMN_BINARY at it, or unset NANOBPMN_BINARY',
    },
  ];
}

/** 1-3: the first explicit choice made, which must be usable or is an error naming it; undefined when none is made. */
function explicitResolution(inputs: ResolverInputs, exe: string): Resolution | undefined {
  const choice = explicitChoices(inputs, exe).find((c) => c.value !== undefined && c.value !== '');
  if (choice?.value === undefined) return undefined;
  const file = path.resolve(inputs.cwd, choice.value);
  const kind = inputs.fileKind(file);
  if (kind !== 'executable')
    return { ok: false, message: choice.explain(choice.value, fileProblem(kind)), details: [] };
  const wrong = headerProblem(inputs, file);
  if (wrong)
    return {
      ok: false,
      code: 'binary-wrong-platform',
      message: `${file} ${wrong}. Use the ${platformIdOf(inputs.host)} engine: ${choice.pointAtAnother}.`,
      details: [],
    };
  return found(file, choice.source, choice.label);
}

/** Why a file we looked at on our own cannot be used ("it <header problem>" or the file problem), or null when it can. */
function searchedProblem(inputs: ResolverInputs, file: string): string | null {
  const kind = inputs.fileKind(file);
  const wrong = kind === 'executable' ? headerProblem(inputs, file) : null;
  if (kind === 'executable' && !wrong) return null;
  return wrong ? `it ${wrong}` : fileProblem(kind);
}

type PlatformLookup = ReturnType<typeof platformForHost>;

/** 4: the platform package npm installed as an optional dependency; what was found is added to `searched`. */
function platformPackageBinary(
  inputs: ResolverInputs,
  lookup: PlatformLookup,
  searched: string[],
): Resolution | undefined {
  if (!lookup.ok) {
    searched.push(`platform package (${lookup.message})`);
    return undefined;
  }
  const name = lookup.platform.packageName;
  const dir = inputs.packageDir(name);
  if (dir === undefined) {
    searched.push(`platform package ${name} (not installed)`);
    return undefined;
  }
  const file = path.join(dir, lookup.platform.binaryName);
  const problem = searchedProblem(inputs, file);
  if (problem === null) return found(file, 'platform-package', `platform package ${name}`);
  searched.push(`platform package ${name}: ${file} (${problem})`);
  return undefined;
}

/** 5-6: a local build of the engine repository, release before debug; what was found is added to `searched`. */
function repoBuildBinary(inputs: ResolverInputs, exe: string, searched: string[]): Resolution | undefined {
  const repo = path.resolve(inputs.cwd, inputs.env.NANOBPMN_REPO || path.join(inputs.homedir, 'workspace', 'nanobpmn'));
  for (const [profile, source] of [
    ['release', 'repo-release'],
    ['debug', 'repo-debug'],
  ] as const) {
    const file = path.join(repo, 'server', 'target', profile, `${ENGINE_FILE}${exe}`);
    const problem = searchedProblem(inputs, file);
    if (problem === null) return found(file, source, `${profile} build in ${repo}`);
    searched.push(`${profile} build ${file} (${problem})`);
  }
  return undefined;
}

/** Nothing found: every place looked in, in order, and the fix that fits why the package is missing. */
function notFound(inputs: ResolverInputs, lookup: PlatformLookup, searched: readonly string[]): Resolution {
  const pkg = lookup.ok ? lookup.platform.packageName : undefined;
  const pointAt = 'point at a binary with --binary <path>, NANOBPMN_BINARY=<path> or "c8ctl nano set bin <path>"';
  let fix: string[];
  if (pkg === undefined) fix = [`Fix: build nanobpmn for this host and ${pointAt}.`];
  else if (inputs.packageDir(pkg) === undefined && inputs.explainMissing)
    fix = [...inputs.explainMissing(pkg), `Or ${pointAt}.`];
  else
    fix = [
      `Fix: reinstall so npm adds the optional dependency ${pkg} (npm install --include=optional; --omit=optional skips it), or ${pointAt}.`,
    ];
  return {
    ok: false,
    message: 'No Nano engine binary found.',
    details: ['Looked in, in order:', ...searched.map((s) => `  - ${s}`), ...fix],
  };
}

export function resolveBinary(inputs: ResolverInputs): Resolution {
  const exe = inputs.host.platform === 'win32' ? '.exe' : '';
  const explicit = explicitResolution(inputs, exe);
  if (explicit) return explicit;
  const searched: string[] = ['--binary (not given)', 'config "nano set bin" (not set)', 'NANOBPMN_BINARY (not set)'];
  const lookup = platformForHost(inputs.host);
  return (
    platformPackageBinary(inputs, lookup, searched) ??
    repoBuildBinary(inputs, exe, searched) ??
    notFound(inputs, lookup, searched)
  );
}
