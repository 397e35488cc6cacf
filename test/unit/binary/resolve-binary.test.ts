import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HostDescription } from '../../../platforms.js';
import { resolveBinary, type FileKind, type ResolverInputs, type Resolution } from '../../../src/binary/resolve.js';
import { elf64, macho64 } from '../../support/fake-binaries.js';

const LINUX: HostDescription = { platform: 'linux', arch: 'x64', libc: 'glibc' };
const PKG = '@nanobpm/c8ctl-plugin-nano-linux-x64';
const PKG_DIR = '/nm/@nanobpm/c8ctl-plugin-nano-linux-x64';
const PKG_BIN = path.join(PKG_DIR, 'nanobpm-gateway-rest-server');
const HOME = '/home/u';
const CWD = '/cwd';
const DEFAULT_REPO = path.join(HOME, 'workspace', 'nanobpmn');
const RELEASE = path.join(DEFAULT_REPO, 'server', 'target', 'release', 'nanobpm-gateway-rest-server');
const DEBUG = path.join(DEFAULT_REPO, 'server', 'target', 'debug', 'nanobpm-gateway-rest-server');

interface World {
  files?: Record<string, FileKind>;
  packages?: Record<string, string>;
}

function resolve(world: World, inputs: Partial<ResolverInputs> = {}): Resolution & { asked: string[] } {
  const asked: string[] = [];
  const files = world.files ?? {};
  const packages = world.packages ?? {};
  const result = resolveBinary({
    env: {},
    cwd: CWD,
    homedir: HOME,
    host: LINUX,
    fileKind: (file) => {
      asked.push(file);
      return files[file] ?? 'missing';
    },
    packageDir: (name) => packages[name],
    readHead: () => undefined, // headers are judged in their own tests below
    ...inputs,
  });
  return { ...result, asked };
}

function ok(r: Resolution): { path: string; source: string; sourceLabel: string } {
  if (!r.ok) throw new Error(`expected a binary, got: ${r.message}`);
  return r;
}

function fail(r: Resolution): { message: string; details: readonly string[] } {
  if (r.ok) throw new Error(`expected a failure, got ${r.path}`);
  return r;
}

/** Every later source exists, so a fall-through would be visible. */
const EVERYTHING: World = {
  files: {
    '/flag/bin': 'executable',
    '/config/bin': 'executable',
    '/env/bin': 'executable',
    [PKG_BIN]: 'executable',
    [RELEASE]: 'executable',
    [DEBUG]: 'executable',
  },
  packages: { [PKG]: PKG_DIR },
};

describe('resolveBinary order', () => {
  it('takes --binary over everything', () => {
    const r = ok(
      resolve(EVERYTHING, { flag: '/flag/bin', configured: '/config/bin', env: { NANOBPMN_BINARY: '/env/bin' } }),
    );
    expect(r.path).toBe('/flag/bin');
    expect(r.source).toBe('flag');
    expect(r.sourceLabel).toBe('--binary');
  });

  it('takes the configured binary next', () => {
    const r = ok(resolve(EVERYTHING, { configured: '/config/bin', env: { NANOBPMN_BINARY: '/env/bin' } }));
    expect(r.path).toBe('/config/bin');
    expect(r.source).toBe('config');
  });

  it('takes NANOBPMN_BINARY next', () => {
    const r = ok(resolve(EVERYTHING, { env: { NANOBPMN_BINARY: '/env/bin' } }));
    expect(r.path).toBe('/env/bin');
    expect(r.source).toBe('env');
    expect(r.sourceLabel).toBe('NANOBPMN_BINARY');
  });

  it('treats empty explicit values as not given', () => {
    const r = ok(resolve(EVERYTHING, { flag: '', configured: '', env: { NANOBPMN_BINARY: '' } }));
    expect(r.source).toBe('platform-package');
  });

  it('takes the platform package next', () => {
    const r = ok(resolve(EVERYTHING));
    expect(r.path).toBe(PKG_BIN);
    expect(r.source).toBe('platform-package');
    expect(r.sourceLabel).toContain(PKG);
  });

  it('takes the repo release build next', () => {
    const r = ok(resolve({ files: { [RELEASE]: 'executable', [DEBUG]: 'executable' } }));
    expect(r.path).toBe(RELEASE);
    expect(r.source).toBe('repo-release');
  });

  it('takes the repo debug build last', () => {
    const r = ok(resolve({ files: { [DEBUG]: 'executable' } }));
    expect(r.path).toBe(DEBUG);
    expect(r.source).toBe('repo-debug');
  });

  it('skips a platform package whose binary is unusable', () => {
    const r = ok(
      resolve({ files: { [PKG_BIN]: 'not-executable', [RELEASE]: 'executable' }, packages: { [PKG]: PKG_DIR } }),
    );
    expect(r.source).toBe('repo-release');
  });

  it('uses $NANOBPMN_REPO instead of the default repo', () => {
    const release = path.join('/src/nano', 'server', 'target', 'release', 'nanobpm-gateway-rest-server');
    const r = ok(
      resolve({ files: { [release]: 'executable', [RELEASE]: 'executable' } }, { env: { NANOBPMN_REPO: '/src/nano' } }),
    );
    expect(r.path).toBe(release);
  });

  it('resolves a relative NANOBPMN_REPO against cwd', () => {
    const debug = path.join(CWD, 'nano', 'server', 'target', 'debug', 'nanobpm-gateway-rest-server');
    const r = ok(resolve({ files: { [debug]: 'executable' } }, { env: { NANOBPMN_REPO: 'nano' } }));
    expect(r.path).toBe(debug);
  });

  it('resolves a relative --binary against cwd', () => {
    const r = ok(resolve({ files: { [path.join(CWD, 'bin', 'engine')]: 'executable' } }, { flag: 'bin/engine' }));
    expect(r.path).toBe(path.join(CWD, 'bin', 'engine'));
  });

  it('appends .exe on Windows', () => {
    const host: HostDescription = { platform: 'win32', arch: 'x64' };
    const winPkg = '@nanobpm/c8ctl-plugin-nano-win32-x64';
    const pkgBin = path.join('/nm/win', 'nanobpm-gateway-rest-server.exe');
    expect(ok(resolve({ files: { [pkgBin]: 'executable' }, packages: { [winPkg]: '/nm/win' } }, { host })).path).toBe(
      pkgBin,
    );
    const release = `${RELEASE}.exe`;
    expect(ok(resolve({ files: { [release]: 'executable', [RELEASE]: 'executable' } }, { host })).path).toBe(release);
  });
});

describe('resolveBinary explicit choices that cannot be used', () => {
  const sources: Array<[string, Partial<ResolverInputs>, string]> = [
    ['--binary', { flag: '/bad/bin' }, '--binary'],
    ['config', { configured: '/bad/bin' }, 'nano set bin'],
    ['NANOBPMN_BINARY', { env: { NANOBPMN_BINARY: '/bad/bin' } }, 'NANOBPMN_BINARY'],
  ];
  const kinds: Array<[FileKind, string]> = [
    ['missing', 'no such file'],
    ['directory', 'directory'],
    ['not-executable', 'not executable'],
    ['symlink-loop', 'it is a symlink loop (ELOOP)'],
    ['broken-symlink', 'a symlink to a file that does not exist'],
    ['not-a-directory', 'ENOTDIR'],
    ['no-access', 'EACCES'],
  ];

  for (const [name, inputs, label] of sources) {
    it.each(kinds)(`${name} that is %s fails, naming the source and path`, (kind, why) => {
      const world: World = { ...EVERYTHING, files: { ...EVERYTHING.files, '/bad/bin': kind } };
      const later: Partial<ResolverInputs> =
        name === '--binary'
          ? { configured: '/config/bin', env: { NANOBPMN_BINARY: '/env/bin' } }
          : name === 'config'
            ? { env: { NANOBPMN_BINARY: '/env/bin' } }
            : {};
      const r = fail(resolve(world, { ...later, ...inputs, env: { ...later.env, ...inputs.env } }));
      expect(r.message).toContain(label);
      expect(r.message).toContain('/bad/bin');
      expect(r.message).toContain(why);
    });
  }

  it('does not look any further after a bad --binary', () => {
    const r = resolve(EVERYTHING, { flag: '/missing' });
    expect(r.ok).toBe(false);
    expect(r.asked).toEqual(['/missing']);
  });
});

describe('resolveBinary when nothing is found', () => {
  it('lists every place searched and a fix', () => {
    const r = fail(resolve({}));
    expect(r.message).toBe('No Nano engine binary found.');
    const text = r.details.join('\n');
    expect(text).toContain('--binary');
    expect(text).toContain('nano set bin');
    expect(text).toContain('NANOBPMN_BINARY');
    expect(text).toContain(`${PKG} (not installed)`);
    expect(text).toContain(RELEASE);
    expect(text).toContain(DEBUG);
    expect(text.indexOf(PKG)).toBeLessThan(text.indexOf(RELEASE));
    expect(text.indexOf(RELEASE)).toBeLessThan(text.indexOf(DEBUG));
    const fix = r.details.find((l) => l.startsWith('Fix:'));
    expect(fix).toBeDefined();
    expect(fix).toContain(PKG);
  });

  it('says why an installed package binary was not used', () => {
    const r = fail(resolve({ files: { [PKG_BIN]: 'directory' }, packages: { [PKG]: PKG_DIR } }));
    expect(r.details.join('\n')).toContain(`${PKG_BIN} (it is a directory`);
  });

  it('skips the package rule on an unsupported host and says so', () => {
    const host: HostDescription = { platform: 'freebsd', arch: 'x64' };
    const resolution = resolve({ packages: { [PKG]: PKG_DIR }, files: { [PKG_BIN]: 'executable' } }, { host });
    expect(resolution.asked).not.toContain(PKG_BIN);
    const r = fail(resolution);
    const text = r.details.join('\n');
    expect(text).toContain('freebsd-x64');
    expect(text).not.toContain('@nanobpm/');
    expect(text).toContain(RELEASE);
    expect(r.details.at(-1)).toMatch(/^Fix:/);
  });

  it('still finds a repo build on an unsupported host', () => {
    const r = ok(resolve({ files: { [RELEASE]: 'executable' } }, { host: { platform: 'freebsd', arch: 'x64' } }));
    expect(r.source).toBe('repo-release');
  });
});

describe('resolveBinary and the executable header', () => {
  const arm = elf64('arm64');
  const heads = (map: Record<string, Buffer>) => ({ readHead: (file: string) => map[file] });

  it.each([
    [{ flag: 'eng' }, '/cwd/eng', 'pass its path with --binary, or leave --binary out'],
    [
      { configured: '/config/bin' },
      '/config/bin',
      '"c8ctl nano set bin <path>", or drop the saved one with "c8ctl nano unset bin"',
    ],
    [{ env: { NANOBPMN_BINARY: '/env/bin' } }, '/env/bin', 'point NANOBPMN_BINARY at it, or unset NANOBPMN_BINARY'],
  ])('refuses an explicit choice built for another CPU: %j', (choice, file, fix) => {
    const r = fail(
      resolve(
        { files: { ...EVERYTHING.files, [file]: 'executable' }, packages: EVERYTHING.packages },
        { ...choice, ...heads({ [file]: arm }) },
      ),
    );
    expect(
      r.message.startsWith(
        `${file} is built for arm64 Linux (ELF), but this host is x64 Linux. Use the linux-x64 engine: `,
      ),
      r.message,
    ).toBe(true);
    expect(r.message).toContain(fix);
    expect(r.details).toEqual([]);
  });

  it('refuses a file with no executable header and no #! line', () => {
    expect(
      fail(resolve(EVERYTHING, { flag: '/flag/bin', ...heads({ '/flag/bin': Buffer.from('<html>404</html>') }) }))
        .message,
    ).toContain('/flag/bin is not an executable');
  });

  it('accepts a #! script and a native binary', () => {
    expect(
      ok(resolve(EVERYTHING, { flag: '/flag/bin', ...heads({ '/flag/bin': Buffer.from('#!/usr/bin/env node\n') }) }))
        .path,
    ).toBe('/flag/bin');
    expect(ok(resolve(EVERYTHING, { flag: '/flag/bin', ...heads({ '/flag/bin': elf64('x64') }) })).path).toBe(
      '/flag/bin',
    );
  });

  it('passes over a platform package of another CPU to the next source, and says why', () => {
    expect(ok(resolve(EVERYTHING, heads({ [PKG_BIN]: arm }))).source).toBe('repo-release');
    const none = fail(
      resolve(
        { files: { [PKG_BIN]: 'executable' }, packages: EVERYTHING.packages },
        heads({ [PKG_BIN]: macho64('arm64') }),
      ),
    );
    expect(none.details.join('\n')).toContain(
      `${PKG_BIN} (it is built for arm64 macOS (Mach-O), but this host is x64 Linux)`,
    );
  });
});
