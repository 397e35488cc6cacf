// The resolver wired to the real machine; a failure becomes the user-facing error.
import os from 'node:os';
import { UserError } from '../errors.js';
import { currentHost, explainMissingHere, fileKind, installedPackageDir, readExecutableHead } from './host.js';
import { resolveBinary, type ResolvedBinary } from './resolve.js';

export function findEngineBinary(options: { flag?: string | undefined; configured?: string | undefined; env: NodeJS.ProcessEnv; cwd: string }): ResolvedBinary {
  const resolution = resolveBinary({
    flag: options.flag,
    configured: options.configured,
    env: options.env,
    cwd: options.cwd,
    homedir: os.homedir(),
    host: currentHost(),
    fileKind,
    readHead: readExecutableHead,
    packageDir: installedPackageDir,
    explainMissing: explainMissingHere,
  });
  if (!resolution.ok) throw new UserError(resolution.message, { code: resolution.code ?? 'binary-not-found', details: resolution.details });
  return { path: resolution.path, source: resolution.source, sourceLabel: resolution.sourceLabel };
}
