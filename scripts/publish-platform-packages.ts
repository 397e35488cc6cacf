// npm run publish-platform-packages -- <version> [--dry-run] [--registry <url>] [--out <dir>] [--root <dir>] [--only <id,...>]
// Publishes the platform packages built by build-platform-packages, then the root package. A version
// already on the registry is skipped, so a failed release can be run again. If any platform package
// fails, the root package is not published: users would install a plugin without its engine. The root
// goes out from a staged copy with the published manifest (no scripts: scripts/lib/published-manifest.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tar from 'tar';
import { PLATFORMS } from '../platforms.js';
import { fail, REPO_ROOT, requireVersion, tarballName } from './lib/cli.js';
import { publishedManifest } from './lib/published-manifest.js';

const USAGE =
  'npm run publish-platform-packages -- <version> [--dry-run] [--registry url] [--out dir] [--root dir] [--only linux-x64,...]';
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'dry-run': { type: 'boolean' },
    registry: { type: 'string' },
    out: { type: 'string' },
    root: { type: 'string' },
    only: { type: 'string' },
  },
});
const version = requireVersion(positionals[0], USAGE);
const outDir = path.resolve(values.out ?? path.join(REPO_ROOT, 'dist-platforms'));
const rootDir = path.resolve(values.root ?? REPO_ROOT);
const dryRun = values['dry-run'] === true;
const registry = values.registry ? ['--registry', values.registry] : [];
const only = values.only?.split(',');
const platforms = PLATFORMS.filter((p) => !only || only.includes(p.id));

function npm(args: string[]): string {
  return execFileSync('npm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function published(name: string): boolean {
  try {
    return npm(['view', `${name}@${version}`, 'version', ...registry]).trim() === version;
  } catch {
    return false; // E404: not there yet
  }
}

// npm refuses a prerelease without a dist-tag, and it must never become `latest`: tag it with its id.
const prerelease = /-([0-9A-Za-z-]+)/.exec(version)?.[1];
const tag = prerelease ? ['--tag', /^\d/.test(prerelease) ? 'next' : prerelease] : [];

function publish(target: string): void {
  // --ignore-scripts: what is published was built beforehand; no lifecycle script may rebuild it here.
  npm([
    'publish',
    target,
    '--access',
    'public',
    '--ignore-scripts',
    ...tag,
    ...registry,
    ...(dryRun ? ['--dry-run'] : []),
  ]);
}

/**
 * The root package as it is published, in `stage`: packed from `dir` (no script runs: it was built
 * beforehand), unpacked, with the published manifest (no "scripts") in place of the checkout's. The
 * checkout itself is never touched.
 */
function stageRoot(dir: string, stage: string): string {
  const packed = JSON.parse(npm(['pack', dir, '--ignore-scripts', '--json', '--pack-destination', stage])) as Array<{
    filename: string;
  }>;
  tar.x({ file: path.join(stage, path.basename(packed[0]!.filename)), cwd: stage, sync: true });
  const manifest = path.join(stage, 'package', 'package.json');
  writeFileSync(manifest, publishedManifest(readFileSync(manifest, 'utf8')));
  return path.join(stage, 'package');
}

const failures: string[] = [];
for (const platform of platforms) {
  const label = `${platform.packageName}@${version}`;
  const tarball = path.join(outDir, tarballName(platform.packageName, version));
  if (published(platform.packageName)) {
    process.stdout.write(`  ${label}: already published, skipped\n`);
    continue;
  }
  if (!existsSync(tarball)) {
    failures.push(`${label}: ${tarball} not built (run build-platform-packages first)`);
    continue;
  }
  try {
    publish(tarball);
    process.stdout.write(`✓ ${label}${dryRun ? ' (dry run)' : ''}\n`);
  } catch (error) {
    failures.push(
      `${label}: ${String((error as { stderr?: string }).stderr ?? error)
        .trim()
        .split('\n')
        .slice(-3)
        .join(' ')}`,
    );
  }
}
if (failures.length > 0) {
  fail(
    `Not publishing c8ctl-plugin-nano@${version}: ${failures.length} platform package(s) failed:\n  ${failures.join('\n  ')}`,
  );
}

// The root package must be this version and depend on exactly these platform packages.
const root = JSON.parse(readFileSync(path.join(rootDir, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  optionalDependencies?: Record<string, string>;
};
if (root.version !== version)
  fail(
    `${rootDir}/package.json has version ${root.version}, not ${version}. Set it (npm version ${version} --no-git-tag-version) first.`,
  );
const unstamped = platforms
  .filter((p) => root.optionalDependencies?.[p.packageName] !== version)
  .map((p) => p.packageName);
if (unstamped.length > 0)
  fail(
    `${rootDir}/package.json does not pin ${unstamped.join(', ')} to ${version}. Run: npm run stamp-optional-deps -- ${version}`,
  );
if (published(root.name)) {
  process.stdout.write(`  ${root.name}@${version}: already published, skipped\n`);
} else {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'c8ctl-nano-publish-'));
  let failure: unknown;
  try {
    publish(stageRoot(rootDir, stage));
  } catch (error) {
    failure = error;
  }
  rmSync(stage, { recursive: true, force: true }); // before fail(), which exits at once
  if (failure !== undefined)
    fail(`${root.name}@${version}: ${String((failure as { stderr?: string }).stderr ?? failure).trim()}`);
  process.stdout.write(`✓ ${root.name}@${version}${dryRun ? ' (dry run)' : ''}\n`);
}
