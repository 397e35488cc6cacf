// update: version compare, what a packument says, the npm command per install, the notice's decision.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assess, engineChange } from '../../../src/update/assess.js';
import { planUpdate } from '../../../src/update/install-kind.js';
import { DAY_MS, decideNotice, type NoticeInput } from '../../../src/update/notice.js';
import { checkForUpdate } from '../../../src/update/query.js';
import { chooseRegistry, packumentUrl, registryFromNpmrc } from '../../../src/update/registry-config.js';
import { compareVersions, newestFor } from '../../../src/update/semver.js';

describe('compareVersions / newestFor', () => {
  it.each([
    ['0.1.0', '0.2.0', -1],
    ['0.10.0', '0.9.9', 1],
    ['1.0.0', '1.0.0', 0],
    ['1.0.0-rc.1', '1.0.0', -1],
    ['1.0.0-rc.2', '1.0.0-rc.10', -1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-1', '1.0.0-alpha', -1],
    ['v2.0.0', '1.99.99', 1],
    ['garbage', '0.0.1', -1],
  ])('%s vs %s', (a, b, sign) => expect(Math.sign(compareVersions(a, b))).toBe(sign));

  it('ignores prereleases unless the current version is one', () => {
    expect(newestFor('0.1.0', ['0.1.0', '0.2.0', '0.3.0-rc.1'])).toBe('0.2.0');
    expect(newestFor('0.3.0-rc.0', ['0.1.0', '0.2.0', '0.3.0-rc.1'])).toBe('0.3.0-rc.1');
  });
});

const PKG = '@nanobpm/c8ctl-plugin-nano-linux-x64';
const installed = { version: '0.1.0', engine: '0.0.22', platformPackage: { name: PKG, version: '0.1.0' } };

describe('assess', () => {
  it('says what a newer release changes, engine and notes included', () => {
    const a = assess(
      {
        'dist-tags': { latest: '0.2.0' },
        versions: {
          '0.1.0': {},
          '0.2.0': { optionalDependencies: { [PKG]: '0.2.0' }, engineVersion: '0.0.23', releaseNotes: 'Faster.' },
        },
      },
      installed,
      'linux-x64',
    )!;
    expect(a).toMatchObject({
      latest: '0.2.0',
      updateAvailable: true,
      engine: { current: '0.0.22', latest: '0.0.23' },
      releaseNotes: 'Faster.',
    });
    expect(engineChange(a)).toBe('engine 0.0.22 → 0.0.23');
  });

  it('falls back to the platform package pins, and to no notes', () => {
    const a = assess(
      { 'dist-tags': { latest: '0.2.0' }, versions: { '0.2.0': { optionalDependencies: { [PKG]: '0.2.0' } } } },
      installed,
      'linux-x64',
    )!;
    expect(a.releaseNotes).toBeNull();
    expect(engineChange(a)).toBe(`engine package ${PKG} 0.1.0 → 0.2.0`);
  });

  it('up to date, a prerelease `latest` ignored for a release user, nothing published', () => {
    expect(
      assess({ 'dist-tags': { latest: '0.1.0' }, versions: { '0.1.0': {} } }, installed, 'linux-x64')!.updateAvailable,
    ).toBe(false);
    expect(
      assess(
        { 'dist-tags': { latest: '0.3.0-rc.1' }, versions: { '0.1.0': {}, '0.3.0-rc.1': {} } },
        installed,
        'linux-x64',
      )!.latest,
    ).toBe('0.1.0');
    expect(assess({ versions: {} }, installed, 'linux-x64')).toBeUndefined();
    // A higher version under another tag is not what npm would install.
    expect(
      assess(
        { 'dist-tags': { latest: '0.1.0', next: '0.2.0' }, versions: { '0.1.0': {}, '0.2.0': {} } },
        installed,
        'linux-x64',
      )!.updateAvailable,
    ).toBe(false);
    expect(assess({ versions: { '0.1.0': {}, '0.2.0': {} } }, installed, 'linux-x64')!.latest).toBe('0.2.0');
  });
});

describe('checkForUpdate', () => {
  const registry = { url: 'http://r.example/', from: 'test' };
  const run = (result: Awaited<ReturnType<Parameters<typeof checkForUpdate>[0]['get']>>) =>
    checkForUpdate({ registry, installed, hostId: 'linux-x64', get: async () => result });
  it.each([
    [{ kind: 'timeout' } as const, 'no answer within 3 s'],
    [{ kind: 'refused' } as const, 'connection refused'],
    [{ kind: 'dns', host: 'r.example' } as const, 'cannot resolve r.example (DNS)'],
    [{ kind: 'answers', status: 500, text: '' } as const, 'HTTP 500'],
  ])('unreachable: %j', async (result, cause) =>
    expect(await run(result)).toEqual({ kind: 'unreachable', registry: registry.url, cause }),
  );
  it('404 is "not published"', async () =>
    expect((await run({ kind: 'answers', status: 404, text: '{}' })).kind).toBe('unpublished'));
});

describe('registry choice', () => {
  const files = (map: Record<string, string>) => (file: string) => map[file];
  it('override, then env, then project .npmrc, then user .npmrc, then the public one', () => {
    const read = files({
      '/p/package.json': '{}',
      '/p/.npmrc': 'registry=http://project/',
      '/h/.npmrc': 'registry = "http://user/"',
    });
    expect(
      chooseRegistry({ C8CTL_NANO_REGISTRY: 'http://o/', npm_config_registry: 'http://e/' }, '/p/sub', read).url,
    ).toBe('http://o/');
    expect(chooseRegistry({ NPM_CONFIG_REGISTRY: 'http://e/' }, '/p/sub', read).url).toBe('http://e/');
    expect(chooseRegistry({ HOME: '/h' }, '/p/sub', read)).toEqual({
      url: 'http://project/',
      from: path.join('/p', '.npmrc'),
    });
    expect(chooseRegistry({ HOME: '/h' }, '/elsewhere', read).url).toBe('http://user/');
    expect(chooseRegistry({ HOME: '/nothing' }, '/elsewhere', read).url).toBe('https://registry.npmjs.org/');
  });
  it('reads ${VAR} and skips comments; encodes scoped names', () => {
    expect(registryFromNpmrc('# registry=http://no/\nregistry=${R}/npm/\n', { R: 'http://x' })).toBe('http://x/npm/');
    expect(packumentUrl('http://r/', '@a/b')).toBe('http://r/@a%2fb');
  });
});

describe('planUpdate', () => {
  const has =
    (...files: string[]) =>
    (file: string) =>
      files.includes(file);
  it('global, project, npx, checkout, unknown', () => {
    expect(planUpdate('/usr/lib/node_modules/c8ctl-plugin-nano', '0.2.0', has(), '/')).toMatchObject({
      kind: 'global',
      display: 'npm install -g c8ctl-plugin-nano@0.2.0',
      run: { args: ['install', '-g', 'c8ctl-plugin-nano@0.2.0'] },
    });
    expect(planUpdate('/w/app/node_modules/c8ctl-plugin-nano', '0.2.0', has('/w/app/package.json'), '/')).toMatchObject(
      { kind: 'project', run: { args: ['install', 'c8ctl-plugin-nano@0.2.0'], cwd: '/w/app' } },
    );
    expect(
      planUpdate(
        '/h/.npm/_npx/ab12/node_modules/c8ctl-plugin-nano',
        '0.2.0',
        has('/h/.npm/_npx/ab12/package.json'),
        '/',
      ),
    ).toMatchObject({ kind: 'npx' });
    expect(planUpdate('/src/nano', '0.2.0', has('/src/nano/.git'), '/')).toMatchObject({ kind: 'checkout' });
    expect(planUpdate('/opt/nano', '0.2.0', has(), '/')).toMatchObject({ kind: 'unknown' });
    for (const root of ['/h/.npm/_npx/ab12/node_modules/c8ctl-plugin-nano', '/src/nano', '/opt/nano'])
      expect(planUpdate(root, '0.2.0', has('/src/nano/.git'), '/').run).toBeUndefined();
  });
});

describe('decideNotice', () => {
  const now = 10 * DAY_MS;
  const base: NoticeInput = {
    env: {},
    mode: 'text',
    stdoutTTY: true,
    stderrTTY: true,
    subcommand: 'status',
    current: '0.1.0',
    cache: { checkedAt: now - 1000, latest: '0.2.0' },
    now,
  };
  it.each([
    [{ env: { CI: 'true' } }, 'CI'],
    [{ env: { NO_UPDATE_NOTIFIER: '1' } }, 'NO_UPDATE_NOTIFIER'],
    [{ env: { C8CTL_NANO_NO_UPDATE_NOTIFIER: '1' } }, 'C8CTL_NANO_NO_UPDATE_NOTIFIER'],
    [{ mode: 'json' as const }, 'json'],
    [{ stdoutTTY: false }, 'not a terminal'],
    [{ stderrTTY: false }, 'not a terminal'],
    [{ subcommand: 'update' }, 'update itself'],
  ])('off: %j', (change, off) => expect(decideNotice({ ...base, ...change })).toEqual({ off }));
  it('CI=false does not count as CI', () =>
    expect(decideNotice({ ...base, env: { CI: 'false' } })).toEqual({ show: '0.2.0', refresh: false }));
  it('shows a known newer version once a day; refreshes a stale or missing cache unless a refresh is under way', () => {
    expect(decideNotice(base)).toEqual({ show: '0.2.0', refresh: false });
    expect(decideNotice({ ...base, cache: { ...base.cache, notifiedAt: now - 1000 } })).toEqual({
      show: null,
      refresh: false,
    });
    expect(decideNotice({ ...base, cache: undefined })).toEqual({ show: null, refresh: true });
    expect(decideNotice({ ...base, cache: { checkedAt: now - 2 * DAY_MS, latest: '0.1.0' } })).toEqual({
      show: null,
      refresh: true,
    });
    expect(decideNotice({ ...base, cache: { checkedAt: now - 2 * DAY_MS, checkingSince: now - 1000 } })).toEqual({
      show: null,
      refresh: false,
    });
    expect(decideNotice({ ...base, current: '0.2.0' })).toEqual({ show: null, refresh: false });
  });
});
