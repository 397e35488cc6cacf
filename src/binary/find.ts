// The resolver wired to the real machine; a failure becomes the user-facing error.
import os from 'node:os';
import { UserError } from '../errors.js';
import { assertTrusted } from '../os/trusted-path.js';
import { currentHost, explainMissingHere, fileKind, installedPackageDir, readExecutableHead } from './host.js';
import { resolveBinary, type ResolvedBinary } from './resolve.js';

export function findEngineBinary(options: {
  flag?: string | undefined;
  configured?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}): ResolvedBinary {
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
  if (!resolution.ok)
    throw new UserError(resolution.message, {
      code: resolution.code ?? 'binary-not-found',
      details: resolution.details,
    });
  // Wherever it came from (flag, config, env, package, repo build): a binary others can write or swap
  // would run their code as us. Refused here, before anything is written or spawned.
  assertTrusted(resolution.path, 'program');
  return { path: resolution.path, source: resolution.source, sourceLabel: resolution.sourceLabel };
}
