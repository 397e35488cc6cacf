// What we publish, and what it costs c8ctl to import it (c8ctl imports every plugin on every command).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NANO_SUBCOMMANDS } from '../../src/grammar/nano.js';

describe('the published package', () => {
  it('contains the compiled entry, code, platforms module, manifest, the --json schema, README and LICENSE, and nothing else', () => {
    const [pack] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    const files: string[] = pack.files.map((f: { path: string }) => f.path);
    for (const required of [
      'c8ctl-plugin.js',
      'dist/c8ctl-plugin.js',
      'dist/platforms.js',
      'dist/src/bin.cjs',
      'dist/src/bin-processos.cjs',
      'dist/src/main-nano.cjs',
      'dist/src/main-processos.cjs',
      'dist/src/cli/main.js',
      'binary-manifest.json',
      'schemas/results.schema.json',
      'README.md',
      'LICENSE',
      'package.json',
    ]) {
      expect(files).toContain(required);
    }
    const unexpected = files.filter(
      (f) =>
        !/^(c8ctl-plugin\.js|dist\/.+\.c?js|binary-manifest\.json|schemas\/results\.schema\.json|README\.md|LICENSE|package\.json)$/.test(
          f,
        ),
    );
    expect(unexpected).toEqual([]);
    expect(
      files.some((f) => f.startsWith('test/') || f.endsWith('.ts') || f.endsWith('.map') || f.startsWith('.cache/')),
    ).toBe(false);
  });
});

describe('the bins', () => {
  // Bundled as CommonJS (scripts/build.mjs): a banner precedes esbuild's own "use strict", so the
  // banner must say it first, or the whole bundle would run in sloppy mode, unlike the ES modules.
  it.each([
    ['bin.cjs', 'main-nano.cjs'],
    ['bin-processos.cjs', 'main-processos.cjs'],
  ])('%s and its program %s are strict CommonJS files that know where they lie', (file, program) => {
    const bin = path.resolve('dist/src', file);
    const text = readFileSync(bin, 'utf8');
    expect(text.split('\n').slice(0, 2)).toEqual(['#!/usr/bin/env node', '"use strict";']);
    const programText = readFileSync(path.resolve('dist/src', program), 'utf8');
    expect(programText.split('\n')[0]).toBe('"use strict";');
    for (const bundle of [text, programText]) {
      expect(bundle).not.toMatch(/\bimport\.meta\b/);
      expect(bundle).not.toMatch(/^import /m);
    }
    // The program runs from a V8 code cache, where Node 20 cannot import(): every import() must have
    // become a require() (scripts/build.mjs).
    expect(programText).not.toMatch(/\bimport\(/);
    expect(programText).toContain('require("tar")');
    // It finds our package.json from its own path: the version it prints is ours.
    const version = execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim();
    expect(version).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    // env-paths is inside, with its licence: no import() of it sets up the ES module loader.
    expect(programText).not.toContain('import("env-paths")');
    expect(programText).toContain('/*! env-paths: MIT License');
    // The launcher stays small: the program is the file beside it.
    expect(text.length).toBeLessThan(20_000);
  });

  // The bench always sets C8CTL_NANO_HOME; users mostly do not. Then the home comes from the
  // env-paths inside the bundle, which follows XDG_DATA_HOME on Linux.
  it('without C8CTL_NANO_HOME, finds the per-user home as env-paths says', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nano-default-home-'));
    try {
      const { C8CTL_NANO_HOME: _unset, ...inherited } = process.env;
      const env = {
        ...inherited,
        HOME: dir,
        XDG_DATA_HOME: path.join(dir, 'data'),
        XDG_CACHE_HOME: path.join(dir, 'cache'),
      };
      const config = JSON.parse(
        execFileSync(process.execPath, [path.resolve('dist/src/bin.cjs'), 'config', '--json'], {
          encoding: 'utf8',
          env,
        }),
      );
      expect(config.home).toBe(path.join(dir, 'data', 'c8ctl-nano'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the plugin entry', () => {
  it('imports no heavy dependency and no command code, and still exports the full contract', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nano-entry-'));
    try {
      const record = path.join(dir, 'loaded.txt');
      const output = execFileSync(
        process.execPath,
        ['test/fixtures/import-entry.mjs', path.resolve('c8ctl-plugin.js'), record],
        { encoding: 'utf8' },
      );
      const report = JSON.parse(output);
      const loaded: string[] = report.loaded;
      // The recorder works: the entry was seen. It is one file (scripts/build.mjs): its metadata
      // modules are inside it, and the host module loads only when a command runs.
      expect(loaded.some((u) => u.endsWith('/c8ctl-plugin.js'))).toBe(true);
      expect(loaded.filter((u) => u.startsWith('file:') && !u.endsWith('/c8ctl-plugin.js'))).toEqual([]);
      const heavy = loaded.filter(
        (u) =>
          /\/node_modules\/(tar|tree-kill|env-paths)\//.test(u) ||
          /\/dist\/src\/(commands|host|os|cluster|state|binary)\//.test(u) ||
          u.endsWith('/dist/src/cli/main.js'),
      );
      expect(heavy).toEqual([]);

      expect(report.exports.sort()).toEqual(['commands', 'metadata']);
      expect(report.commands).toEqual(['nano', 'processos']);
      expect(report.metadata.commands.processos.passthrough).toBe(true);
      const nano = report.metadata.commands.nano;
      expect(nano.passthrough).toBe(true);
      expect(nano.subcommands.map((s: { name: string }) => s.name)).toEqual(NANO_SUBCOMMANDS.map((s) => s.name));
      expect(nano.examples.length).toBeGreaterThan(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
