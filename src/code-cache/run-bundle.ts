// Runs a bundled CommonJS program with a V8 code cache beside it, so a command's second run skips
// most of compiling the bundle (6-14 ms of `status` and `stop` here; docs/benchmarks.md). Node 22
// has this built in (module.enableCompileCache); Node 20, which we support, does not.
//
// The cache lives in a folder next to the bundle, never in a shared temp folder: whoever can write
// there could already replace the bundle, so it adds no one who can choose what we run. It is read
// only when it and its folder pass the same owner and mode rules as the home (trust-rules.ts), and
// it is written only when missing or refused. Any failure just means no cache: it is an
// optimisation, never a reason for a command to fail, and a failed write leaves no file.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { pathProblem } from '../os/trust-rules.js';
import { fileURLToPath } from 'node:url';
import { cachedCommand, cachedDataOf, cacheFileContents, cacheHeader } from './cache-file.js';

const CACHE_DIR = '.v8-cache';

/**
 * What a bin does: runs `program`, the bundle beside the launcher at `launcherUrl`, through the cache
 * of this run's command when it is one of `cachedCommands`.
 */
export function runProgramBeside(launcherUrl: string, program: string, cachedCommands: readonly string[]): void {
  runBundle(
    path.join(path.dirname(fileURLToPath(launcherUrl)), program),
    cachedCommand(process.argv.slice(2), cachedCommands),
  );
}

/** Runs `bundle` as Node runs a CommonJS main module, through the cache of `command` when one is given. */
function runBundle(bundle: string, command: string | null): void {
  // Windows has no owner and modes to check the cache by.
  if (command === null || process.platform === 'win32') {
    createRequire(bundle)(bundle);
    return;
  }
  // One open file for both the facts and the text, so the header describes exactly what is compiled.
  const fd = openSync(bundle, 'r');
  let source: string;
  let header: string;
  try {
    header = cacheHeader(process.version, process.arch, fstatSync(fd));
    source = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const dir = path.join(path.dirname(bundle), CACHE_DIR);
  const file = path.join(dir, `${command}.bin`);
  const cachedData = readCache(dir, file, header);
  // Node's own CommonJS wrapper, on the first line so line numbers in stack traces stay right.
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${source.replace(/^#!/, '//')}\n})`,
    {
      filename: bundle,
      // No import callback: Node 20 loses it for code from a cache, so the bundles hold no import()
      // (scripts/build.mjs turns each into a require()).
      cachedData: cachedData ?? undefined,
    },
  );
  if (cachedData === null || script.cachedDataRejected === true) {
    // At exit V8's data holds every function the run compiled, not only the top level.
    process.once('exit', () => writeCache(dir, file, header, script));
  }
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void).call(
    module.exports,
    module.exports,
    createRequire(bundle),
    module,
    bundle,
    path.dirname(bundle),
  );
}

const uid = (): number => process.getuid?.() ?? -1;
const trusted = (where: string, stats: Stats): boolean =>
  pathProblem(where, { uid: stats.uid, mode: stats.mode, isDir: stats.isDirectory() }, 'content', uid(), '') === null;
/** The cache folder itself, not a link to one, owned and writable as the rules allow. */
const trustedFolder = (dir: string): boolean => {
  const folder = lstatSync(dir);
  return folder.isDirectory() && trusted(dir, folder);
};

function readCache(dir: string, file: string, header: string): Buffer | null {
  let fd: number | undefined;
  try {
    if (!trustedFolder(dir)) return null;
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    const stats = fstatSync(fd);
    if (!stats.isFile() || !trusted(file, stats)) return null;
    return cachedDataOf(readFileSync(fd), header);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeCache(dir: string, file: string, header: string, script: vm.Script): void {
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    if (!trustedFolder(dir)) return;
    // Opened before the data is made (a few ms): a folder this user cannot write (a global install
    // by root) costs no more than this failed open on every run.
    fd = openSync(temp, 'wx', 0o644);
    writeFileSync(fd, cacheFileContents(header, script.createCachedData()));
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch {
    // This runs in an exit handler: a cleanup that threw would turn a finished command into a crash.
    try {
      if (fd !== undefined) closeSync(fd);
      rmSync(temp, { force: true });
    } catch {
      // a temp file left behind is named for this process and never read
    }
  }
}
