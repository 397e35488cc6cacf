// How the standalone CLI was installed, from where our package sits, and the command that updates
// it. Pure: the path and an existence check are inputs.
import path from 'node:path';
import { PACKAGE_NAME } from '../package-name.js';

export type InstallKind = 'global' | 'project' | 'npx' | 'checkout' | 'unknown';

export interface UpdatePlan {
  readonly kind: InstallKind;
  /** The command to show, as one line. */
  readonly display: string;
  /** What --yes runs (argv and folder); absent when we only advise. */
  readonly run?: { readonly file: string; readonly args: readonly string[]; readonly cwd: string };
}

export function planUpdate(
  packageRoot: string,
  version: string,
  exists: (file: string) => boolean,
  sep: string = path.sep,
): UpdatePlan {
  const parts = packageRoot.split(sep);
  const spec = `${PACKAGE_NAME}@${version}`;
  const last = parts.length - 1;
  if (parts.includes('_npx')) {
    return {
      kind: 'npx',
      display: `npx -y -p ${spec} c8ctl-nano <command>   (npx fetches a release per call; nothing to install)`,
    };
  }
  if (parts[last] === PACKAGE_NAME && parts[last - 1] === 'node_modules') {
    const above = parts.slice(0, last - 1).join(sep) || sep;
    // npm's global folder is <prefix>/lib/node_modules (<prefix>/node_modules on Windows); a project's
    // node_modules sits next to its package.json.
    const prefix = parts[last - 2] === 'lib' ? parts.slice(0, last - 2).join(sep) || sep : above;
    const isProject = exists(path.join(above, 'package.json'));
    if (!isProject && (parts[last - 2] === 'lib' || sep === '\\')) {
      return {
        kind: 'global',
        display: `npm install -g ${spec}`,
        run: { file: 'npm', args: ['install', '-g', spec], cwd: prefix },
      };
    }
    if (isProject)
      return {
        kind: 'project',
        display: `npm install ${spec}   (in ${above})`,
        run: { file: 'npm', args: ['install', spec], cwd: above },
      };
  }
  if (!parts.includes('node_modules') && exists(path.join(packageRoot, '.git'))) {
    return {
      kind: 'checkout',
      display: `git -C ${packageRoot} pull && npm ci   (a git checkout: update it as source)`,
    };
  }
  return { kind: 'unknown', display: `npm install -g ${spec}   (or however you installed ${PACKAGE_NAME})` };
}
