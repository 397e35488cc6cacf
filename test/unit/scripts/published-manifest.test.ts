// The manifest we publish: the checkout's minus its scripts, nothing else changed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INSTALL_SCRIPTS, publishedManifest } from '../../../scripts/lib/published-manifest.js';

describe('publishedManifest', () => {
  it('drops "scripts" and keeps every other field, in order', () => {
    const text = JSON.stringify(
      {
        name: 'p',
        version: '1.0.0',
        scripts: { prepare: 'npm run build', postinstall: 'x', test: 'vitest' },
        bin: { p: 'b.js' },
        files: ['b.js'],
      },
      null,
      2,
    );
    const out = publishedManifest(text);
    expect(Object.keys(JSON.parse(out))).toEqual(['name', 'version', 'bin', 'files']);
    expect(out.endsWith('}\n')).toBe(true);
  });

  it("leaves this repository's manifest with no install script", () => {
    const pkg = JSON.parse(publishedManifest(readFileSync('package.json', 'utf8')));
    for (const name of INSTALL_SCRIPTS) expect(pkg.scripts?.[name], name).toBeUndefined();
    expect(pkg.name).toBe('c8ctl-plugin-nano');
  });
});
