// Compiles the TypeScript sources and writes the root entry c8ctl looks for.
// Kept as plain JS because it has to run before anything is compiled.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
rmSync('dist', { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// What users run is bundled over its compiled file: one file instead of about a hundred small modules
// takes 15-20 ms off every command (docs/benchmarks.md). One file per entry, not split into chunks:
// sixty-odd chunks cost as much as the modules did. The bins are CommonJS (`.cjs`): Node 20 loads a
// CommonJS file about 12 ms sooner than the same code as an ES module, whose loader it must set up
// first. The host module stays an ES module: c8ctl, itself ESM, has that loader running already. The
// plugin entry is a small ES module bundle of its own (c8ctl imports it on every call); its handler
// loads the bundled host module. The other compiled files stay for the tests and the scripts; our
// dependencies stay external. In the CommonJS bundles every import() becomes a require(): a script
// compiled from a V8 code cache cannot import() on Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING),
// so a dependency that is ESM only must be inlined (INLINED).
const { buildSync } = require('esbuild');
// env-paths (ESM only) goes into the CommonJS bins: every command without C8CTL_NANO_HOME, and the
// update notice on a terminal, load it, and an import() from CommonJS would set up the ES module
// loader just for it (about 20 ms on a default-home `status`). Its licence travels with it.
const INLINED = ['env-paths'];
const dependencies = Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).dependencies ?? {});
const inlinedLicences = INLINED.map(
  (name) => `/*! ${name}: ${readFileSync(path.join(path.dirname(require.resolve(name)), 'license'), 'utf8').trim()} */`,
).join('\n');
/** What every bundle here shares. */
const BUNDLED = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };
const bundle = (entry, outfile, format, { licences = true } = {}) =>
  buildSync({
    ...BUNDLED,
    entryPoints: [entry],
    outfile,
    allowOverwrite: true,
    format,
    ...(format === 'cjs'
      ? {
          external: dependencies.filter((name) => !INLINED.includes(name)),
          // CommonJS has no import.meta: give the code the file URL it would have had. The banner comes
          // before esbuild's own "use strict", so it says it first: the code stays strict, as ESM was.
          define: { 'import.meta.url': '__bundleFileUrl' },
          supported: { 'dynamic-import': false },
          banner: { js: '"use strict";\nconst __bundleFileUrl = require("node:url").pathToFileURL(__filename).href;' },
          ...(licences ? { footer: { js: inlinedLicences } } : {}),
        }
      : { packages: 'external' }),
  });
// Each bin is a small launcher that runs its program's bundle through a V8 code cache kept beside it
// (src/code-cache/run-bundle.ts): a second `status` or `stop` skips most of compiling 330 KB.
const BINS = { 'c8ctl-nano': 'bin', 'c8ctl-processos': 'bin-processos' };
const PROGRAMS = { bin: 'main-nano', 'bin-processos': 'main-processos' };
for (const [name, program] of Object.entries(PROGRAMS)) {
  bundle(`dist/src/${name}.js`, `dist/src/${name}.cjs`, 'cjs', { licences: false });
  bundle(`dist/src/${program}.js`, `dist/src/${program}.cjs`, 'cjs');
  // One way to run each: the compiled ES modules they were bundled from go.
  rmSync(`dist/src/${name}.js`);
  rmSync(`dist/src/${program}.js`);
  chmodSync(`dist/src/${name}.cjs`, 0o755);
}
// `drill` on its own (src/cli/main.ts, drillModule): the programs above do not carry it, so the
// commands people run dozens of times an hour do not pay for loading it.
bundle('dist/src/commands/drill.js', 'dist/src/drill.cjs', 'cjs');
// The link proxy the CLI runs in front of every peer link (src/links/main-link-proxy.ts); nothing inlined.
bundle('dist/src/links/main-link-proxy.js', 'dist/src/link-proxy.cjs', 'cjs', { licences: false });
rmSync('dist/src/links/main-link-proxy.js');
bundle('dist/src/host/c8ctl.js', 'dist/src/host/c8ctl.js', 'esm');

// c8ctl loads `c8ctl-plugin.js` from the package root (a .ts entry fails inside node_modules), on
// every command, `c8ctl help` included. It is the compiled entry and its metadata modules in one ES
// module file (one file instead of six: about 2.5 ms off every import, 50 alternating runs); the
// handler's import of the host module stays a separate file, loaded on first use.
// esbuild keeps an external import as written, relative to dist/; from the root it is one level down.
const HOST_IMPORT = { asWritten: 'import("./src/host/c8ctl.js")', fromRoot: 'import("./dist/src/host/c8ctl.js")' };
const [entryBundle] = buildSync({
  ...BUNDLED,
  entryPoints: ['dist/c8ctl-plugin.js'],
  write: false,
  format: 'esm',
  external: ['./src/host/c8ctl.js'],
  banner: { js: '// Generated by scripts/build.mjs from c8ctl-plugin.ts: the plugin entry c8ctl imports.' },
}).outputFiles;
const entryText = entryBundle.text.replaceAll(HOST_IMPORT.asWritten, HOST_IMPORT.fromRoot);
if (entryText.split(HOST_IMPORT.fromRoot).length !== 3)
  throw new Error('build: the plugin entry should import the host module exactly twice (nano, processos)');
writeFileSync('c8ctl-plugin.js', entryText);

// In a checkout (not when installed as a dependency), expose our own bin the way npm exposes a
// dependency's, so `npx c8ctl-nano` works right after `npm ci`: npm never links a package's bins
// into its own node_modules/.bin.
const inCheckout = existsSync('node_modules') && !process.cwd().split(path.sep).includes('node_modules');
if (inCheckout) {
  const binDir = path.join('node_modules', '.bin');
  mkdirSync(binDir, { recursive: true });
  for (const [name, file] of Object.entries(BINS)) {
    if (process.platform === 'win32') {
      writeFileSync(path.join(binDir, `${name}.cmd`), `@node "%~dp0\\..\\..\\dist\\src\\${file}.cjs" %*\r\n`);
    } else {
      const link = path.join(binDir, name);
      if (existsSync(link) || isLink(link)) unlinkSync(link);
      symlinkSync(path.join('..', '..', 'dist', 'src', `${file}.cjs`), link);
    }
  }
}

function isLink(file) {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
