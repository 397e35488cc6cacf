// npm run stamp-optional-deps -- <version> [--package <dir>] [--only <id,...>] [--notes <file>]
// Pins every platform package in optionalDependencies to exactly <version>, so a release installs the
// engine built for it and nothing else. --only pins just the platforms named and drops the others
// (for a test registry that holds only those). It also records what `update --check` tells users about
// the release: `engineVersion` (from the package's binary-manifest.json, written by
// build-platform-packages) and `releaseNotes` (from --notes, at most 4000 characters).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PLATFORMS } from '../platforms.js';
import { fail, REPO_ROOT, requireVersion } from './lib/cli.js';

const USAGE = 'npm run stamp-optional-deps -- <version> [--package <dir>] [--only linux-x64,...] [--notes <file>]';
const NOTES_MAX = 4000;
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { package: { type: 'string' }, only: { type: 'string' }, notes: { type: 'string' } },
});
const version = requireVersion(positionals[0], USAGE);
const only = values.only?.split(',');
const unknown = only?.filter((id) => !PLATFORMS.some((p) => p.id === id));
if (unknown && unknown.length > 0)
  fail(`Unknown platform(s) ${unknown.join(', ')}; known: ${PLATFORMS.map((p) => p.id).join(', ')}`);

const dir = path.resolve(values.package ?? REPO_ROOT);
const file = path.join(dir, 'package.json');
const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
  optionalDependencies?: Record<string, string>;
  engineVersion?: string;
  releaseNotes?: string;
};
const manifestFile = path.join(dir, 'binary-manifest.json');
const engine = existsSync(manifestFile)
  ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as { version?: unknown }).version
  : undefined;
if (typeof engine === 'string' && engine !== '0.0.0-dev') pkg.engineVersion = engine.replace(/^v/, '');
if (values.notes !== undefined) {
  if (!existsSync(values.notes)) fail(`--notes ${values.notes}: no such file. Give the release notes as a text file.`);
  const notes = readFileSync(values.notes, 'utf8').trim();
  pkg.releaseNotes = notes.length > NOTES_MAX ? `${notes.slice(0, NOTES_MAX - 1)}…` : notes;
}
const others = Object.fromEntries(
  Object.entries(pkg.optionalDependencies ?? {}).filter(([name]) => !PLATFORMS.some((p) => p.packageName === name)),
);
const stamped = Object.fromEntries(
  PLATFORMS.filter((p) => !only || only.includes(p.id)).map((p) => [p.packageName, version]),
);
pkg.optionalDependencies = { ...others, ...stamped };
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
process.stdout.write(
  `✓ ${file}: ${Object.keys(stamped).length} platform package(s) pinned to ${version}${pkg.engineVersion ? `, engine ${pkg.engineVersion}` : ''}${values.notes !== undefined ? ', release notes recorded' : ''}\n`,
);
