// update and the update notice, against a real local registry (verdaccio, test/support/registry.ts):
// a newer c8ctl-plugin-nano is published there (a copy of this package with a higher version,
// an engineVersion and releaseNotes), then `update --check` / `update` are run standalone, from a
// project install, and inside the real c8ctl 4.1.0.
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureC8ctl, packPlugin } from '../support/c8ctl-host.js';
import { freePortRange } from '../support/ports.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { runProcess } from '../support/run-process.js';
import { BIN, perTestSandboxes } from '../support/sandbox.js';

const stamp = Date.now();
const OLD = `0.1.${stamp}`;
const NEWER = `0.2.${stamp}`;
const SLOW = 300_000;
const sandboxes = perTestSandboxes();
let registry: Registry;
let tmp = '';
let pristine = '';
// Every notice-related run gets an empty cache folder unless a test says otherwise, and no off-switch.
const quiet = { CI: '', NO_UPDATE_NOTIFIER: '', C8CTL_NANO_NO_UPDATE_NOTIFIER: '' };

/** A copy of the packed plugin at `version`, without the engine package (not on this registry). */
async function publishCopy(version: string, extra: Record<string, unknown>): Promise<void> {
  const dir = path.join(tmp, `pub-${version}`);
  await cp(pristine, dir, { recursive: true });
  const file = path.join(dir, 'package.json');
  const pkg = JSON.parse(await readFile(file, 'utf8'));
  delete pkg.optionalDependencies;
  await writeFile(file, JSON.stringify({ ...pkg, version, ...extra }, null, 2));
  const published = await registry.npm(['publish', dir, '--ignore-scripts', '--registry', registry.url]);
  expect(published.code, published.stderr).toBe(0);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'nano-update-e2e-'));
  registry = await startRegistry();
  const tgz = await packPlugin();
  await tar.x({ file: tgz, cwd: tmp });
  await rm(path.dirname(tgz), { recursive: true, force: true });
  pristine = path.join(tmp, 'package');
}, SLOW);

afterAll(async () => {
  await registry?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('update --check, standalone', () => {
  it('says the package is not published on a registry that lacks it (404), exit 1', async () => {
    const s = await sandboxes.create();
    const r = await s.run(['update', '--check'], { C8CTL_NANO_REGISTRY: registry.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`c8ctl-plugin-nano is not published on ${registry.url}; nothing changed.`);
    const j = await s.runJson(['update', '--check'], { C8CTL_NANO_REGISTRY: registry.url });
    expect(j.json).toMatchObject({ ok: false, error: { code: 'not-published' } });
  });

  it.each(['notaurl', 'ftp://registry.example.com/', 'file:///etc/', 'http://127.0.0.1:99999/'])(
    'a registry setting that is no http(s) address (%s) is one line naming it, not an internal error',
    async (value) => {
      const s = await sandboxes.create();
      const r = await s.run(['update', '--check'], { C8CTL_NANO_REGISTRY: value });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([
        `✗ The registry "${value}" (from C8CTL_NANO_REGISTRY) is not an http or https address, such as https://registry.npmjs.org/. Fix or unset it; nothing changed.`,
      ]);
      const j = await s.runJson(['update', '--check'], { C8CTL_NANO_REGISTRY: value });
      expect(j.json).toMatchObject({ ok: false, error: { code: 'bad-registry' } });
    },
  );

  it('names the cause when offline: a closed port at once, a port that never answers within the 3 s deadline', async () => {
    const s = await sandboxes.create();
    const closed = await freePortRange(1);
    const refused = await s.run(['update', '--check'], { C8CTL_NANO_REGISTRY: `http://127.0.0.1:${closed}` });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `Could not ask the registry http://127.0.0.1:${closed}: connection refused; nothing changed.`,
    );

    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    sandboxes.defer(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of held) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const hung = await s.runJson(['update', '--check'], { C8CTL_NANO_REGISTRY: url });
    expect(hung.code).toBe(1);
    expect(hung.ms).toBeLessThan(6_000);
    expect(hung.json).toMatchObject({
      ok: false,
      registry: url,
      error: {
        code: 'registry-unreachable',
        message: `Could not ask the registry ${url}: no answer within 3 s; nothing changed.`,
      },
    });
  });

  describe('with a newer release published', () => {
    beforeAll(async () => {
      await publishCopy(OLD, {});
      // Notes with terminal controls in them (clear screen, a window title): they must never reach the terminal.
      await publishCopy(NEWER, {
        engineVersion: '0.0.99',
        releaseNotes: 'Everything \u001b[2J\u001b[His faster now.\u001b]0;pwned\u0007',
      });
    }, SLOW);

    it('says what is newer, the engine change and the notes, and how to update (exit 0); --json is one document', async () => {
      const s = await sandboxes.create();
      const r = await s.run(['update', '--check'], { C8CTL_NANO_REGISTRY: registry.url });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`⚠ A newer release exists: ${NEWER} (you have 0.1.0); engine 0.0.0-dev → 0.0.99.`);
      expect(r.stdout).toContain('Release notes:\nEverything is faster now.');
      expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      // The checkout this test runs from is a git worktree: the advice is to update it as source.
      expect(r.stdout).toMatch(/Update with: git -C .* pull && npm ci/);
      const j = await s.runJson(['update', '--check'], { C8CTL_NANO_REGISTRY: registry.url });
      expect(j.json).toMatchObject({
        ok: true,
        registry: registry.url,
        registrySource: 'C8CTL_NANO_REGISTRY',
        current: '0.1.0',
        latest: NEWER,
        updateAvailable: true,
        engine: { latest: '0.0.99' },
        releaseNotes: 'Everything is faster now.',
        update: { via: 'checkout' },
      });
    });

    it('finds the registry in npm_config_registry too', async () => {
      const s = await sandboxes.create();
      const j = await s.runJson(['update', '--check'], { npm_config_registry: registry.url });
      expect(j.json).toMatchObject({ registry: registry.url, registrySource: 'npm_config_registry', latest: NEWER });
    });

    it(
      'from a project install: prints the npm command, and runs it with --yes',
      async () => {
        // A user project that installed the older release from the registry.
        const app = path.join(tmp, 'app');
        await mkdir(app, { recursive: true });
        await writeFile(
          path.join(app, 'package.json'),
          JSON.stringify({ name: 'app', version: '1.0.0', private: true }),
        );
        await writeFile(path.join(app, '.npmrc'), `registry=${registry.url}/\n`);
        const installedOld = await registry.npm(['install', `c8ctl-plugin-nano@${OLD}`], {
          cwd: app,
          userconfig: registry.anonymousNpmrc,
        });
        expect(installedOld.code, installedOld.stderr).toBe(0);
        const mine = path.join(app, 'node_modules', 'c8ctl-plugin-nano');
        const s = await sandboxes.create();
        // No override: the registry comes from the project's .npmrc, as npm's would.
        const env = { ...registry.npmEnv(registry.anonymousNpmrc), C8CTL_NANO_HOME: s.home, ...quiet };
        const bin = path.join(mine, 'dist', 'src', 'bin.cjs');
        const printed = await runProcess(process.execPath, [bin, 'update'], { env, cwd: app, timeoutMs: 60_000 });
        expect(printed.exitCode, printed.stderr).toBe(0);
        expect(printed.stdout).toContain(`A newer release exists: ${NEWER} (you have ${OLD})`);
        expect(printed.stdout).toContain(`Update with: npm install c8ctl-plugin-nano@${NEWER}   (in ${app})`);
        expect(JSON.parse(readFileSync(path.join(mine, 'package.json'), 'utf8')).version).toBe(OLD);
        const ran = await runProcess(process.execPath, [bin, 'update', '--yes'], { env, cwd: app, timeoutMs: 240_000 });
        expect(ran.exitCode, `${ran.stdout}\n${ran.stderr}`).toBe(0);
        expect(ran.stdout).toContain(`Running: npm install c8ctl-plugin-nano@${NEWER}`);
        expect(JSON.parse(readFileSync(path.join(mine, 'package.json'), 'utf8')).version).toBe(NEWER);
      },
      SLOW,
    );

    it(
      'inside the real c8ctl: update --check, then update hands over to "c8ctl upgrade plugin c8ctl-plugin-nano"',
      async () => {
        const c8ctl = await ensureC8ctl();
        const dataDir = await mkdtemp(path.join(os.tmpdir(), 'c8ctl-update-data-'));
        const s = await sandboxes.create();
        sandboxes.defer(() => rm(dataDir, { recursive: true, force: true }));
        // c8ctl's npm and our query both use this registry: c8ctl runs npm with our environment.
        const env = {
          ...registry.npmEnv(registry.anonymousNpmrc),
          npm_config_registry: registry.url,
          C8CTL_NANO_HOME: s.home,
        };
        // Loaded by name (so c8ctl records the registry as its source) while `latest` is the older one.
        const tag = (version: string) =>
          registry.npm(['dist-tag', 'add', `c8ctl-plugin-nano@${version}`, 'latest', '--registry', registry.url]);
        expect((await tag(OLD)).code).toBe(0);
        let load;
        try {
          load = await c8ctl.run(['load', 'plugin', 'c8ctl-plugin-nano'], { dataDir, env, timeoutMs: SLOW });
        } finally {
          expect((await tag(NEWER)).code).toBe(0);
        }
        expect(load.code, `${load.stdout}\n${load.stderr}`).toBe(0);
        const installed = path.join(dataDir, 'plugins', 'node_modules', 'c8ctl-plugin-nano', 'package.json');
        expect(JSON.parse(readFileSync(installed, 'utf8')).version).toBe(OLD);

        const check = await c8ctl.run(['nano', 'update', '--check'], { dataDir, env });
        expect(check.code, check.stderr).toBe(0);
        expect(check.stdout).toContain(`A newer release exists: ${NEWER} (you have ${OLD})`);
        expect(check.stdout).toContain('Update with: c8ctl upgrade plugin c8ctl-plugin-nano');

        // What this proves: our command runs c8ctl's own upgrade (its output is in ours) and c8ctl then
        // installs the newer release from the registry into its plugins folder.
        const update = await c8ctl.run(['nano', 'update'], { dataDir, env, timeoutMs: SLOW });
        expect(update.code, `${update.stdout}\n${update.stderr}`).toBe(0);
        expect(update.stdout).toContain('Running: c8ctl upgrade plugin c8ctl-plugin-nano');
        expect(update.stdout).toContain('Upgrading plugin: c8ctl-plugin-nano to latest');
        expect(JSON.parse(readFileSync(installed, 'utf8')).version).toBe(NEWER);
        const after = await c8ctl.run(['nano', 'update', '--check'], { dataDir, env });
        expect(after.stdout).toContain(`c8ctl-plugin-nano ${NEWER} is the newest release`);
      },
      SLOW,
    );

    describe('the daily notice (on a terminal, through script(1))', () => {
      /** Runs the standalone CLI with stdout and stderr on a pseudo-terminal. */
      const onTerminal = (args: string, env: Record<string, string>) => {
        const began = performance.now();
        return runProcess('script', ['-qec', `${process.execPath} ${BIN} ${args}`, '/dev/null'], {
          env,
          timeoutMs: 60_000,
        }).then((r) => ({ ...r, ms: performance.now() - began }));
      };
      const cacheFile = (cacheHome: string) => path.join(cacheHome, 'c8ctl-nano', 'update-check.json');
      const readCache = (cacheHome: string) =>
        existsSync(cacheFile(cacheHome)) ? JSON.parse(readFileSync(cacheFile(cacheHome), 'utf8')) : undefined;

      it(
        'a stale cache starts the detached check and the command does not wait for it; the next day prints the notice',
        async () => {
          const s = await sandboxes.create();
          const cacheHome = path.join(s.home, 'cache');
          const held: net.Socket[] = [];
          const silent = net.createServer((socket) => held.push(socket));
          await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
          sandboxes.defer(
            () =>
              new Promise<void>((resolve) => {
                for (const socket of held) socket.destroy();
                silent.close(() => resolve());
              }),
          );
          // A registry that never answers: the check would hold a command for 3 s if it were waited for.
          const hanging = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
          const first = await onTerminal('config', {
            ...s.env,
            ...quiet,
            XDG_CACHE_HOME: cacheHome,
            C8CTL_NANO_REGISTRY: hanging,
          });
          expect(first.exitCode, first.stdout).toBe(0);
          expect(first.ms).toBeLessThan(2_500);
          expect(readCache(cacheHome)).toMatchObject({ checkingSince: expect.any(Number) });
          await expect.poll(() => held.length, { timeout: 5_000 }).toBeGreaterThan(0); // the detached check asked
          await expect.poll(() => readCache(cacheHome)?.lastProblem, { timeout: 8_000 }).toBe('unreachable');

          // Stale again, now against the real registry: the background check finds the newer release.
          await writeFile(cacheFile(cacheHome), JSON.stringify({ checkedAt: Date.now() - 2 * 86_400_000 }));
          const second = await onTerminal('config', {
            ...s.env,
            ...quiet,
            XDG_CACHE_HOME: cacheHome,
            C8CTL_NANO_REGISTRY: registry.url,
          });
          expect(second.exitCode).toBe(0);
          expect(second.stdout).not.toContain('A newer c8ctl-plugin-nano');
          await expect.poll(() => readCache(cacheHome)?.latest, { timeout: 8_000 }).toBe(NEWER);

          const third = await onTerminal('config', {
            ...s.env,
            ...quiet,
            XDG_CACHE_HOME: cacheHome,
            C8CTL_NANO_REGISTRY: registry.url,
          });
          expect(third.stdout).toContain(`⚠ A newer c8ctl-plugin-nano is out: ${NEWER} (you have 0.1.0)`);
          // Once a day: the next command says nothing.
          const fourth = await onTerminal('config', {
            ...s.env,
            ...quiet,
            XDG_CACHE_HOME: cacheHome,
            C8CTL_NANO_REGISTRY: registry.url,
          });
          expect(fourth.stdout).not.toContain('A newer c8ctl-plugin-nano');
        },
        SLOW,
      );

      it.each([
        ['CI', { CI: '1' }, 'config'],
        ['NO_UPDATE_NOTIFIER', { NO_UPDATE_NOTIFIER: '1' }, 'config'],
        ['C8CTL_NANO_NO_UPDATE_NOTIFIER', { C8CTL_NANO_NO_UPDATE_NOTIFIER: '1' }, 'config'],
        ['JSON mode', {}, 'config --json'],
      ])('%s: no notice, no cache change, nothing spawned', async (_name, off, args) => {
        const s = await sandboxes.create();
        const cacheHome = path.join(s.home, 'cache');
        await mkdir(path.dirname(cacheFile(cacheHome)), { recursive: true });
        const cache = JSON.stringify({ checkedAt: Date.now() - 2 * 86_400_000, latest: NEWER });
        await writeFile(cacheFile(cacheHome), cache);
        const r = await onTerminal(args, {
          ...s.env,
          ...quiet,
          ...off,
          XDG_CACHE_HOME: cacheHome,
          C8CTL_NANO_REGISTRY: registry.url,
        });
        expect(r.exitCode).toBe(0);
        expect(r.stdout).not.toContain('A newer c8ctl-plugin-nano');
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(readFileSync(cacheFile(cacheHome), 'utf8')).toBe(cache);
      });

      it('without a terminal: no notice, no cache change', async () => {
        const s = await sandboxes.create();
        const cacheHome = path.join(s.home, 'cache');
        const r = await s.run(['config'], { ...quiet, XDG_CACHE_HOME: cacheHome, C8CTL_NANO_REGISTRY: registry.url });
        expect(r.code).toBe(0);
        expect(r.stderr).not.toContain('A newer');
        expect(existsSync(cacheFile(cacheHome))).toBe(false);
      });
    });
  });
});
