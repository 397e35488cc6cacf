// Why the platform package is not installed, from what the install left behind. Pure: the file
// system is read through the functions passed in.
import path from 'node:path';
import { PLATFORMS } from '../../platforms.js';

export interface InstallFacts {
  /** The node_modules folders Node searches from this plugin, nearest first. */
  readonly searchDirs: readonly string[];
  readonly listDir: (dir: string) => readonly string[] | undefined;
  readonly readText: (file: string) => string | undefined;
}

export function explainMissingPackage(wanted: string, facts: InstallFacts): string[] {
  const lines: string[] = [];
  const ours = new Set(PLATFORMS.map((p) => p.packageName));

  const foreign: string[] = [];
  for (const dir of facts.searchDirs) {
    for (const entry of facts.listDir(path.join(dir, '@nanobpm')) ?? []) {
      const name = `@nanobpm/${entry}`;
      if (ours.has(name) && name !== wanted) foreign.push(`${name} (in ${dir})`);
    }
  }
  if (foreign.length > 0) {
    lines.push(
      `Cause: the engine for another machine is installed instead: ${foreign.join(', ')}. This node_modules was installed elsewhere (copied between machines or into a container). Fix: reinstall on this machine (npm ci, or c8ctl load plugin again).`,
    );
  }

  // npm lockfiles list every platform's package, so a lockfile entry says nothing once another
  // platform's package explains the gap.
  const locked =
    foreign.length > 0
      ? undefined
      : facts.searchDirs
          .map((dir) => path.join(path.dirname(dir), 'package-lock.json'))
          .find((lock) => facts.readText(lock)?.includes(`"node_modules/${wanted}"`));
  if (locked) {
    lines.push(
      `Cause: ${locked} lists ${wanted}, but it is not installed: optional dependencies were left out (npm --omit=optional, --no-optional, or omit=optional in npm config). Fix: npm install --include=optional`,
    );
  }

  if (lines.length === 0) {
    lines.push(
      `Cause: npm did not install ${wanted}; usually optional dependencies were left out (--omit=optional), or its download failed. Fix: npm install --include=optional`,
    );
  }
  lines.push(`Searched: ${facts.searchDirs.map((d) => path.join(d, wanted)).join(', ')}`);
  return lines;
}
