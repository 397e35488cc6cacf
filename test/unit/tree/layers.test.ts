// The layer order of src/, enforced (issue 25): a file imports only from its own layer or below,
// type imports included, and the two families of verbs (nano's commands, processos) never borrow from
// each other. Top to bottom:
//   entry   the bins, mains and host adapters (src/*.ts entries, src/host/, c8ctl-plugin.ts)
//   cli     the grammar, parsing, help and dispatch (src/cli/)
//   verbs   src/commands/ and src/processos/, apart from each other; a nano verb imports no other verb,
//           only its own parts (`export.ts` → `export-dockerfile.ts`)
//   ops     operations verbs compose: launch, stop, spawn, converge, doctor's checks (src/ops/)
//   kit     what every verb is handed: parsed args, the command context and its effects (src/kit/)
//   domain  planning, state, the engine binary, export, links, logs, updates, the code cache, drills
//   os      processes, sockets, files, terminals (src/os/)
//   base    the grammar as data (src/grammar/), errors, output, text safety, value parsers, the shape,
//           versions (the rest of src/*.ts)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const ENTRIES = new Set([
  'c8ctl-plugin.ts',
  'src/bin.ts',
  'src/bin-processos.ts',
  'src/main-nano.ts',
  'src/main-processos.ts',
  'src/standalone.ts',
]);
const DOMAIN = /^src\/(cluster|drill|export|links|logs|binary|update|code-cache|state)\//;

interface Layer {
  readonly rank: number;
  readonly name: string;
}

function layerOf(file: string): Layer {
  if (ENTRIES.has(file) || file.startsWith('src/host/')) return { rank: 0, name: 'entry' };
  if (file.startsWith('src/cli/')) return { rank: 1, name: 'cli' };
  if (file.startsWith('src/commands/')) return { rank: 2, name: 'commands' };
  if (file.startsWith('src/processos/')) return { rank: 2, name: 'processos' };
  if (file.startsWith('src/ops/')) return { rank: 3, name: 'ops' };
  if (file.startsWith('src/kit/')) return { rank: 4, name: 'kit' };
  if (DOMAIN.test(file)) return { rank: 5, name: 'domain' };
  if (file.startsWith('src/os/')) return { rank: 6, name: 'os' };
  return { rank: 7, name: 'base' };
}

/** Why `from` may not import `to`, or null when it may. */
function layerViolation(from: string, to: string): string | null {
  const a = layerOf(from);
  const b = layerOf(to);
  if (b.rank < a.rank) return `${from} (${a.name}) imports ${to} (${b.name}), a layer above it`;
  if (a.rank === 2 && b.rank === 2 && a.name !== b.name)
    return `${from} (${a.name}) imports ${to} (${b.name}): the two families of verbs do not borrow from each other`;
  const verb = path.posix.basename(from, '.ts');
  if (a.name === 'commands' && b.name === 'commands' && !path.posix.basename(to).startsWith(`${verb}-`)) {
    return `${from} imports ${to}: a verb imports no other verb (what both need belongs in src/ops/)`;
  }
  return null;
}

function sources(): string[] {
  const src = readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  );
  return ['c8ctl-plugin.ts', 'platforms.ts', ...src.map((f) => `src/${f.split(path.sep).join('/')}`)];
}

function relativeImports(file: string): string[] {
  return ts
    .preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => path.posix.normalize(path.posix.join(path.posix.dirname(file), name)).replace(/\.js$/, '.ts'));
}

describe('the layer order of src/', () => {
  it('holds for every import, type imports and dynamic imports included', () => {
    const violations: string[] = [];
    let imports = 0;
    for (const file of sources()) {
      for (const target of relativeImports(file)) {
        imports++;
        const why = layerViolation(file, target);
        if (why) violations.push(why);
      }
    }
    expect(violations).toEqual([]);
    // The scan saw the code: a scan that found nothing would pass too.
    expect(imports).toBeGreaterThan(300);
  });

  it('would catch an import upward, and one between the verb families', () => {
    expect(layerViolation('src/cluster/plan.ts', 'src/kit/args.ts')).toMatch(/a layer above it/);
    expect(layerViolation('src/os/stdio.ts', 'src/state/files.ts')).toMatch(/a layer above it/);
    expect(layerViolation('src/processos/commands.ts', 'src/commands/start.ts')).toMatch(/do not borrow/);
    expect(layerViolation('src/commands/stop.ts', 'src/cli/args.ts')).toMatch(/a layer above it/);
    expect(layerViolation('src/cli/main.ts', 'src/kit/context.ts')).toBeNull();
    expect(layerViolation('src/commands/status.ts', 'src/values.ts')).toBeNull();
    expect(layerViolation('src/commands/restart.ts', 'src/commands/start.ts')).toMatch(/imports no other verb/);
    expect(layerViolation('src/commands/export.ts', 'src/commands/export-dockerfile.ts')).toBeNull();
    expect(layerViolation('src/ops/launch.ts', 'src/commands/stop.ts')).toMatch(/a layer above it/);
    expect(layerViolation('src/commands/restart.ts', 'src/ops/launch.ts')).toBeNull();
  });
});
