// `npm pack` as a user runs it (scripts on), in a copy of this checkout so the build it triggers never
// touches the dist/ other tests run: the packed package.json has no scripts, the checkout's is back byte
// for byte (also when packing fails), and the real c8ctl loads the result, from the tarball without an
// allowScripts warning and from the unpacked folder at all.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALL_SCRIPTS } from '../../scripts/lib/published-manifest.js';
import { ensureC8ctl, type C8ctlInstall } from '../support/c8ctl-host.js';
import { waitUntil } from '../support/processes.js';

const SLOW = 300_000;
const REPO = path.resolve('.');
/** What a build and a pack need from a checkout (node_modules is linked entry by entry, below). */
const CHECKOUT = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'c8ctl-plugin.ts',
  'platforms.ts',
  'binary-manifest.json',
  'README.md',
  'LICENSE',
  'scripts',
  'src',
];

const run = promisify(execFile);
async function npm(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npm', args, {
      cwd,
      timeout: 180_000,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let tmp = '';
let checkout = '';
let original = '';
let tgz = '';
let c8ctl: C8ctlInstall;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'nano-pack-'));
  checkout = path.join(tmp, 'checkout');
  await mkdir(path.join(checkout, 'node_modules'), { recursive: true });
  for (const entry of CHECKOUT) await cp(path.join(REPO, entry), path.join(checkout, entry), { recursive: true });
  // The copy's own node_modules/.bin (the build writes links there); every package is the checkout's.
  for (const entry of await readdir(path.join(REPO, 'node_modules'))) {
    if (entry !== '.bin' && !entry.startsWith('.'))
      await symlink(path.join(REPO, 'node_modules', entry), path.join(checkout, 'node_modules', entry));
  }
  original = await readFile(path.join(checkout, 'package.json'), 'utf8');
  c8ctl = await ensureC8ctl();
}, SLOW);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('npm pack of a checkout', () => {
  it('the checkout builds on npm ci (prepare) and strips scripts only while packing (prepack/postpack)', () => {
    const scripts = JSON.parse(original).scripts;
    expect(scripts.prepare).toBe('npm run build');
    expect(scripts.prepack).toContain('pack-manifest.js strip');
    expect(scripts.postpack).toContain('pack-manifest.js restore');
  });

  it(
    "packs a package.json without scripts and puts the checkout's back byte for byte",
    async () => {
      const dest = path.join(tmp, 'packed');
      await mkdir(dest);
      const packed = await npm(['pack', '--json', '--pack-destination', dest], checkout);
      expect(packed.code, packed.stderr).toBe(0);
      tgz = path.join(
        dest,
        (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string }>)[0]!.filename,
      );
      const unpacked = path.join(tmp, 'unpacked');
      await mkdir(unpacked);
      await tar.x({ file: tgz, cwd: unpacked });
      const manifest = JSON.parse(await readFile(path.join(unpacked, 'package', 'package.json'), 'utf8'));
      for (const name of INSTALL_SCRIPTS) expect(manifest.scripts?.[name], name).toBeUndefined();
      expect(manifest.scripts).toBeUndefined();
      const { scripts: _dropped, ...rest } = JSON.parse(original);
      expect(manifest).toEqual(rest);
      expect(existsSync(path.join(unpacked, 'package', 'dist', 'c8ctl-plugin.js'))).toBe(true);

      expect(await readFile(path.join(checkout, 'package.json'), 'utf8')).toBe(original);
      expect(existsSync(path.join(checkout, '.package.json.prepack'))).toBe(false);
    },
    SLOW,
  );

  it(
    "when packing fails after prepack (npm skips postpack), the checkout's package.json still comes back",
    async () => {
      const failed = await npm(['pack', '--pack-destination', path.join(tmp, 'no', 'such', 'dir')], checkout);
      expect(failed.code).not.toBe(0);
      await waitUntil(
        async () => (await readFile(path.join(checkout, 'package.json'), 'utf8')) === original,
        10_000,
        'package.json restored',
      );
      await waitUntil(() => !existsSync(path.join(checkout, '.package.json.prepack')), 10_000, 'the backup removed');
    },
    SLOW,
  );
});

describe('the packed plugin in the real c8ctl', () => {
  it(
    'loads from the tarball with no allowScripts (install scripts) warning, and runs',
    async () => {
      expect(tgz, 'the pack test ran').not.toBe('');
      const dataDir = await mkdtemp(path.join(tmp, 'c8ctl-data-'));
      const loaded = await c8ctl.run(['load', 'plugin', '--from', pathToFileURL(tgz).href], {
        dataDir,
        timeoutMs: SLOW,
      });
      const output = `${loaded.stdout}\n${loaded.stderr}`;
      expect(loaded.code, output).toBe(0);
      expect(output).not.toMatch(/allowScripts|install-scripts|install scripts/i);
      const ran = await c8ctl.run(['nano', '--version'], { dataDir });
      expect(ran.stdout).toContain(`c8ctl-plugin-nano ${JSON.parse(original).version}`);
    },
    SLOW,
  );

  it(
    'loads from the unpacked folder (--from file://<dir>) and its commands run',
    async () => {
      const dir = path.join(tmp, 'unpacked', 'package');
      expect(existsSync(dir), 'the pack test ran').toBe(true);
      const dataDir = await mkdtemp(path.join(tmp, 'c8ctl-data-'));
      const loaded = await c8ctl.run(['load', 'plugin', '--from', pathToFileURL(dir).href], {
        dataDir,
        timeoutMs: SLOW,
      });
      expect(loaded.code, `${loaded.stdout}\n${loaded.stderr}`).toBe(0);
      expect(`${loaded.stdout}${loaded.stderr}`).not.toContain('scripts/build.mjs');
      const home = path.join(tmp, 'nano-home');
      const config = await c8ctl.run(['nano', 'config', '--json'], { dataDir, env: { C8CTL_NANO_HOME: home } });
      expect(config.code, config.stderr).toBe(0);
      expect(JSON.parse(config.stdout)).toMatchObject({ home });
    },
    SLOW,
  );
});
