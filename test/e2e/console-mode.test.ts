// --console off|observe|studio (issue 14, item 2): start and status say what the node really serves.
import { describe, expect, it } from 'vitest';
import { freePortRange } from '../support/ports.js';
import { processesWithMarker } from '../support/processes.js';
import { perTestSandboxes } from '../support/sandbox.js';

const tests = perTestSandboxes();

describe('--console', () => {
  it('off: start, status and stop work without a console, and say "off"', async () => {
    const s = await tests.create();
    const port = await freePortRange(3);
    const started = await s.run(['start', '3', '--console', 'off', '--port', String(port)]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/Console\s+off/);
    expect(started.stdout).not.toContain('/console');
    expect((await fetch(`http://127.0.0.1:${port}/console/api/topology`)).status).toBe(404);
    const status = await s.run(['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('console: off');
    expect(status.stdout).toContain('the console, which reports them, is off');
    const json = await s.runJson(['status']);
    expect(json.json).toMatchObject({ consoleMode: 'off', settings: { console: 'off' } });
    expect((await s.runJson(['restart'])).json.settings.console).toBe('off');
    expect((await s.run(['stop'])).code).toBe(0);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });

  it('observe is read-only, studio (the default) has the IDE; an unknown mode is refused', async () => {
    const s = await tests.create();
    const port = await freePortRange(1);
    const observe = await s.runJson(['start', '--console', 'observe', '--port', String(port)]);
    expect(observe.code, observe.stderr).toBe(0);
    expect(observe.json.consoleMode).toBe('observe');
    expect((await s.run(['status'])).stdout).toContain('(observe: read-only)');
    expect((await s.run(['stop'])).code).toBe(0);
    const studio = await s.run(['start', '--port', String(port)]);
    expect(studio.stdout).toContain('(studio: the web IDE');
    expect((await s.run(['stop'])).code).toBe(0);

    for (const [args, env, fragment] of [
      [['start', '--console', 'on'], {}, '--console "on" must be off, observe'],
      [['start'], { NANOBPMN_CONSOLE: 'full' }, 'NANOBPMN_CONSOLE="full"'],
    ] as const) {
      const bad = await s.run([...args, '--port', String(port)], env);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(fragment);
    }
    expect(processesWithMarker(s.marker)).toEqual([]);
  });
});
