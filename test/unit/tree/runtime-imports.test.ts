// What users install has only our dependencies, and the bundle keeps packages external, so code we
// ship that imports a dev dependency (a schema validator, yaml) works in a checkout and breaks when
// installed. Every package the shipped sources import must be a builtin or a runtime dependency.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};
const RUNTIME = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);

// The sources of what `files` in package.json ships (compiled into dist/).
function shippedSources(): string[] {
  const src = readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join('src', f));
  return ['c8ctl-plugin.ts', 'platforms.ts', ...src];
}

// TypeScript's own scanner lists every import, export-from and import() of a file, without the
// false hits a regular expression has on strings and comments.
function bareSpecifiers(text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((name) => !name.startsWith('.'));
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

describe('shipped sources', () => {
  it('import only node builtins and runtime dependencies, never a dev dependency', () => {
    const offending: string[] = [];
    let imports = 0;
    for (const file of shippedSources()) {
      for (const specifier of bareSpecifiers(readFileSync(path.join(ROOT, file), 'utf8'))) {
        imports++;
        if (specifier.startsWith('node:') || RUNTIME.has(packageOf(specifier))) continue;
        offending.push(`${file}: ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
    // The scan found the imports we know are there; a scan that found none would pass too.
    expect(imports).toBeGreaterThan(50);
  });

  it('would catch a dev dependency imported in any form, and not a word in a string', () => {
    const sample = [
      "import { x } from './local.js';",
      "import type { Document } from 'yaml';",
      "const m = await import('kubernetes-models/v1');",
      "export { a } from '@scope/pkg/sub';",
      'const text = "nothing to import from \'here\'";',
    ].join('\n');
    expect(bareSpecifiers(sample).map(packageOf)).toEqual(['yaml', 'kubernetes-models', '@scope/pkg']);
  });
});
