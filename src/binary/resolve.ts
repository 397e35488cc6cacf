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

export function resolveBinary(inputs: ResolverInputs): Resolution {
  const exe = inputs.host.platform === 'win32' ? '.exe' : '';
  const found = (file: string, source: BinarySource, sourceLabel: string): Resolution => ({
    ok: true,
    path: file,
    source,
    sourceLabel,
  });

  // 1-3: explicit choices. Each must be usable, or it is an error naming the choice.
  const explicit: Array<[string | undefined, BinarySource, string, (p: string, why: string) => string, string]> = [
    [
      inputs.flag,
      'flag',
      '--binary',
      (p, why) => `--binary ${p}: ${why}. Pass the path of the nanobpmn server binary (${ENGINE_FILE}${exe}).`,
      'pass its path with --binary, or leave --binary out to use the one installed with this plugin',
    ],
    [
      inputs.configured,
      'config',
      'config (nano set bin)',
      (p, why) =>
        `The binary saved with "nano set bin" (${p}) cannot be used: ${why}. Save another with "c8ctl nano set bin <path>" or drop it with "c8ctl nano unset bin".`,
      'save it with "c8ctl nano set bin <path>", or drop the saved one with "c8ctl nano unset bin"',
    ],
    [
      inputs.env.NANOBPMN_BINARY,
      'env',
      'NANOBPMN_BINARY',
      (p, why) => `NANOBPMN_BINARY=${p} cannot be used: ${why}. Fix the path or unset NANOBPMN_BINARY.`,
      'point NANOBPMN_BINARY at it, or unset NANOBPMN_BINARY',
    ],
  ];
  for (const [value, source, label, explain, pointAtAnother] of explicit) {
    if (value === undefined || value === '') continue;
    const file = path.resolve(inputs.cwd, value);
    const kind = inputs.fileKind(file);
    if (kind !== 'executable') return { ok: false, message: explain(value, fileProblem(kind)), details: [] };
    const wrong = headerProblem(inputs, file);
    if (wrong)
      return {
        ok: false,
        code: 'binary-wrong-platform',
        message: `${file} ${wrong}. Use the ${platformIdOf(inputs.host)} engine: ${pointAtAnother}.`,
        details: [],
      };
    return found(file, source, label);
  }

  const searched: string[] = ['--binary (not given)', 'config "nano set bin" (not set)', 'NANOBPMN_BINARY (not set)'];

  // 4: the platform package npm installed as an optional dependency.
  const lookup = platformForHost(inputs.host);
  if (lookup.ok) {
    const name = lookup.platform.packageName;
    const dir = inputs.packageDir(name);
    if (dir === undefined) {
      searched.push(`platform package ${name} (not installed)`);
    } else {
      const file = path.join(dir, lookup.platform.binaryName);
      const kind = inputs.fileKind(file);
      const wrong = kind === 'executable' ? headerProblem(inputs, file) : null;
      if (kind === 'executable' && !wrong) return found(file, 'platform-package', `platform package ${name}`);
      searched.push(`platform package ${name}: ${file} (${wrong ? `it ${wrong}` : fileProblem(kind)})`);
    }
  } else {
    searched.push(`platform package (${lookup.message})`);
  }

  // 5-6: a local build of the engine repository.
  const repo = path.resolve(inputs.cwd, inputs.env.NANOBPMN_REPO || path.join(inputs.homedir, 'workspace', 'nanobpmn'));
  for (const [profile, source] of [
    ['release', 'repo-release'],
    ['debug', 'repo-debug'],
  ] as const) {
    const file = path.join(repo, 'server', 'target', profile, `${ENGINE_FILE}${exe}`);
    const kind = inputs.fileKind(file);
    const wrong = kind === 'executable' ? headerProblem(inputs, file) : null;
    if (kind === 'executable' && !wrong) return found(file, source, `${profile} build in ${repo}`);
    searched.push(`${profile} build ${file} (${wrong ? `it ${wrong}` : fileProblem(kind)})`);
  }

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
