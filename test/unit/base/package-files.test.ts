// Our package files are found from wherever the running code sits: the bundled bins live at another
// depth than the modules they were built from, so no lookup may count "../" steps.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, packageScript, readPackageJson } from '../../../src/package-files.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

describe('package files', () => {
  it('finds our own package root, and reads its package.json and binary manifest', () => {
    expect(packageRoot()).toBe(ROOT);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(readPackageJson<{ version: string }>('package.json')?.version).toBe(pkg.version);
    expect(readPackageJson<{ engineVersion?: string }>('binary-manifest.json')).toBeTypeOf('object');
    expect(readPackageJson('no-such-file.json')).toBeUndefined();
  });

  it('finds the compiled update check script of a build, and nothing for a script we do not have', () => {
    // npm test builds first, so dist/ exists here.
    expect(packageScript('update/check-script.js')).toBe(path.join(ROOT, 'dist', 'src', 'update', 'check-script.js'));
    expect(packageScript('update/no-such-script.js')).toBeUndefined();
  });
});
