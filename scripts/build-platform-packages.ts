// npm run build-platform-packages -- <version> <binDir> [--out <dir>] [--only <id,...>] [--manifest <file>]
//                                   [--engine-version <v>] [--commit <sha>]
// Turns the upstream release binaries in <binDir> into one npm package per platform: checks every
// asset first (present, and really an executable for its OS and CPU), then writes each package from
// its template in npm/, records sha256 and size in binary-manifest.json, and packs each into an npm
// tarball. Any problem names the asset and stops before anything is written.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tar from 'tar';
import { PLATFORMS, type Platform } from '../platforms.js';
import { executableProblem, inspectExecutable } from '../src/binary/executable-format.js';
import type { BinaryManifest, PlatformBinaryRecord } from '../src/binary/manifest.js';
import { fail, REPO_ROOT, requireVersion, tarballName } from './lib/cli.js';

const USAGE =
  'npm run build-platform-packages -- <version> <binDir> [--out dir] [--only linux-x64,...] [--manifest file] [--engine-version v] [--commit sha]';
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    only: { type: 'string' },
    manifest: { type: 'string' },
    'engine-version': { type: 'string' },
    commit: { type: 'string' },
  },
});
const version = requireVersion(positionals[0], USAGE);
if (!positionals[1]) fail(`A folder of release binaries is required. Usage: ${USAGE}`);
const binDir = path.resolve(positionals[1]);
const outDir = path.resolve(values.out ?? path.join(REPO_ROOT, 'dist-platforms'));
const manifestFile = path.resolve(values.manifest ?? path.join(REPO_ROOT, 'binary-manifest.json'));
const only = values.only?.split(',');
const unknown = only?.filter((id) => !PLATFORMS.some((p) => p.id === id));
if (unknown && unknown.length > 0)
  fail(`Unknown platform(s) ${unknown.join(', ')}; known: ${PLATFORMS.map((p) => p.id).join(', ')}`);
const platforms = PLATFORMS.filter((p) => !only || only.includes(p.id));

function readHead(file: string, length = 64 * 1024): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

// 1. Check every asset before writing anything.
const problems: string[] = [];
for (const platform of platforms) {
  const asset = path.join(binDir, platform.asset);
  if (!existsSync(asset)) {
    problems.push(`${platform.asset}: missing from ${binDir}`);
    continue;
  }
  const problem = executableProblem(platform, inspectExecutable(readHead(asset)));
  if (problem) problems.push(`${platform.asset}: ${problem}`);
}
if (problems.length > 0) fail(`Not building: ${problems.length} asset problem(s):\n  ${problems.join('\n  ')}`);

// 2. Which engine this is: the upstream marker file, or flags.
const markerFile = path.join(binDir, 'nanobpmn-binary.json');
const marker = existsSync(markerFile)
  ? (JSON.parse(readFileSync(markerFile, 'utf8')) as { version?: string; commit?: string; updated?: string })
  : {};
const engineVersion = values['engine-version'] ?? marker.version;
if (!engineVersion)
  fail(
    `The engine version is unknown: put nanobpmn-binary.json ({"version": …}) in ${binDir} or pass --engine-version.`,
  );

// 3. Write and pack each package.
mkdirSync(outDir, { recursive: true });
const records: Record<string, PlatformBinaryRecord> = {};
for (const platform of platforms) {
  records[platform.id] = await buildPackage(platform);
}

const manifest: BinaryManifest = {
  version: engineVersion.replace(/^v/, ''),
  commit: values.commit ?? marker.commit ?? null,
  date: marker.updated ?? new Date().toISOString(),
  packageVersion: version,
  platforms: records,
};
writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(
  `✓ Built ${platforms.length} platform package(s) ${version} (engine ${manifest.version}) in ${outDir}; manifest ${manifestFile}\n`,
);

async function buildPackage(platform: Platform): Promise<PlatformBinaryRecord> {
  const template = path.join(REPO_ROOT, 'npm', platform.id);
  const dir = path.join(outDir, platform.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const pkg = JSON.parse(readFileSync(path.join(template, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ ...pkg, version }, null, 2)}\n`);
  copyFileSync(path.join(template, 'README.md'), path.join(dir, 'README.md'));
  const binary = path.join(dir, platform.binaryName);
  copyFileSync(path.join(binDir, platform.asset), binary);
  if (platform.os !== 'win32') chmodSync(binary, 0o755);

  const tarball = path.join(outDir, tarballName(platform.packageName, version));
  // npm's layout: every entry under package/. portable drops owner and uid details; modes are kept.
  await tar.create({ gzip: true, file: tarball, cwd: dir, prefix: 'package', portable: true }, [
    'package.json',
    'README.md',
    platform.binaryName,
  ]);

  const bytes = readFileSync(binary);
  process.stdout.write(`  ${platform.packageName}@${version}: ${path.basename(tarball)}\n`);
  return {
    package: platform.packageName,
    file: platform.binaryName,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: statSync(binary).size,
  };
}
