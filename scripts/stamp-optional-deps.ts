// npm run stamp-optional-deps -- <version> [--package <dir>] [--only <id,...>]
// Pins every platform package in optionalDependencies to exactly <version>, so a release installs the
// engine built for it and nothing else. --only pins just the platforms named and drops the others
// (for a test registry that holds only those).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PLATFORMS } from '../platforms.js';
import { fail, REPO_ROOT, requireVersion } from './lib/cli.js';

const USAGE = 'npm run stamp-optional-deps -- <version> [--package <dir>] [--only linux-x64,...]';
const { positionals, values } = parseArgs({ allowPositionals: true, options: { package: { type: 'string' }, only: { type: 'string' } } });
const version = requireVersion(positionals[0], USAGE);
const only = values.only?.split(',');
const unknown = only?.filter((id) => !PLATFORMS.some((p) => p.id === id));
if (unknown && unknown.length > 0) fail(`Unknown platform(s) ${unknown.join(', ')}; known: ${PLATFORMS.map((p) => p.id).join(', ')}`);

const file = path.join(path.resolve(values.package ?? REPO_ROOT), 'package.json');
const pkg = JSON.parse(readFileSync(file, 'utf8')) as { optionalDependencies?: Record<string, string> };
const others = Object.fromEntries(Object.entries(pkg.optionalDependencies ?? {}).filter(([name]) => !PLATFORMS.some((p) => p.packageName === name)));
const stamped = Object.fromEntries(PLATFORMS.filter((p) => !only || only.includes(p.id)).map((p) => [p.packageName, version]));
pkg.optionalDependencies = { ...others, ...stamped };
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
process.stdout.write(`✓ ${file}: ${Object.keys(stamped).length} platform package(s) pinned to ${version}\n`);
