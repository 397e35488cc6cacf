// Which ProcessOS binary to run. Pure, like the engine's resolver: --binary → "processos set bin" →
// PROCESSOS_BINARY → (a download URL, handled by find.ts, which needs the network) → a local build in
// the nanobpmn repository (release, then debug). It is not on npm.
import path from 'node:path';
import { UserError } from '../errors.js';
import { cannotRunHere, platformIdOf } from '../binary/executable-format.js';
import { fileProblem, type FileKind } from '../binary/resolve.js';

export interface ProcessosResolverInputs {
  readonly flag?: string | undefined;
  readonly configured?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly homedir: string;
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  readonly fileKind: (file: string) => FileKind;
  /** The first few KiB of a file, or undefined when unreadable (then the header is not judged). */
  readonly readHead: (file: string) => Buffer | undefined;
  /** How the user invokes us, for the fix line. */
  readonly prog?: string;
}

export interface ResolvedProcessos {
  readonly path: string;
  readonly source: 'flag' | 'config' | 'env' | 'download' | 'repo-release' | 'repo-debug';
}

const prog = (inputs: ProcessosResolverInputs): string => inputs.prog ?? 'c8ctl processos';

function headerProblem(inputs: ProcessosResolverInputs, file: string): string | null {
  const head = inputs.readHead(file);
  return head === undefined ? null : cannotRunHere(head, inputs);
}

/** Whether a binary path was given (--binary, set bin, PROCESSOS_BINARY): it beats any download URL. */
export const hasExplicitProcessos = (inputs: Pick<ProcessosResolverInputs, 'flag' | 'configured' | 'env'>): boolean =>
  Boolean(inputs.flag || inputs.configured || inputs.env.PROCESSOS_BINARY);

export function resolveProcessos(inputs: ProcessosResolverInputs): ResolvedProcessos {
  const explicit = [
    [inputs.flag, 'flag', '--binary'],
    [inputs.configured, 'config', 'the binary saved with "processos set bin"'],
    [inputs.env.PROCESSOS_BINARY, 'env', 'PROCESSOS_BINARY'],
  ] as const;
  for (const [value, source, label] of explicit) {
    if (!value) continue;
    const file = path.resolve(inputs.cwd, value);
    const kind = inputs.fileKind(file);
    if (kind !== 'executable')
      throw new UserError(`${label} (${value}) cannot be used: ${fileProblem(kind)}.`, { code: 'binary-not-found' });
    const wrong = headerProblem(inputs, file);
    if (wrong)
      throw new UserError(
        `${file} ${wrong}. Use the ${platformIdOf(inputs)} build of ProcessOS: ${prog(inputs)} set bin <its path> (this came from ${label}).`,
        { code: 'binary-wrong-platform' },
      );
    return { path: file, source };
  }
  const repo = path.resolve(inputs.cwd, inputs.env.NANOBPMN_REPO || path.join(inputs.homedir, 'workspace', 'nanobpmn'));
  const exe = inputs.platform === 'win32' ? '.exe' : '';
  const builds = (['release', 'debug'] as const).map((profile) => ({
    profile,
    file: path.join(repo, 'processos', 'target', profile, `processos${exe}`),
  }));
  for (const { profile, file } of builds) {
    if (inputs.fileKind(file) === 'executable' && !headerProblem(inputs, file))
      return { path: file, source: profile === 'release' ? 'repo-release' : 'repo-debug' };
  }
  throw new UserError(
    'No ProcessOS binary found. It is not distributed through npm: download the build for your platform by hand, then point the plugin at it, or give a release manifest to download it from.',
    {
      code: 'binary-not-found',
      details: [
        `Looked at: --binary (not given), "processos set bin" (not set), PROCESSOS_BINARY (not set), "processos set download-url" and PROCESSOS_DOWNLOAD_URL (not set), ${builds.map((b) => b.file).join(', ')}`,
        `Fix: ${prog(inputs)} set bin <path-to-processos>   (or PROCESSOS_BINARY=<path>, or --binary <path>)`,
        `  or: ${prog(inputs)} set download-url <https://…/manifest.json>   (or PROCESSOS_DOWNLOAD_URL=<url>)`,
      ],
    },
  );
}
