// The drill's HTML report opened in a real browser (issue 26): Debian's Chromium, headless, loads the
// file as a user would (file://, nothing served) and hands back the DOM after the page's script ran.
// The SVG timeline exists only if the script drew it from the embedded data: one lane per node, the four
// phases labelled, the marks. Hostile text in the data stays text. Needs /usr/bin/chromium (Debian
// package chromium; .ci/run installs it): skipped elsewhere with that reason.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillReportHtml } from '../../src/drill/report-html.js';
import type { DrillResult } from '../../src/results/drill.js';
import { drillResult } from '../support/drill-results.js';
import { runProcess } from '../support/run-process.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? null : `needs ${CHROMIUM} (Debian package chromium; .ci/run installs it)`;

describe.skipIf(SKIP !== null)(`the drill report in headless Chromium${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'drill-report-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The DOM of the report of `result` once its script has run. */
  async function renderedDom(name: string, result: DrillResult): Promise<string> {
    const file = path.join(dir, `${name}.html`);
    await writeFile(file, drillReportHtml(result));
    // A profile of its own in the temp dir: nothing read from or left in the user's home.
    const profile = path.join(dir, `profile-${name}`);
    const run = await runProcess(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        '--dump-dom',
        pathToFileURL(file).href,
      ],
      { timeoutMs: 60_000 },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    return run.stdout;
  }

  it('draws one lane per node over the four phases, with the marks and an axis', async () => {
    const dom = await renderedDom('whole', drillResult('whole'));
    expect(dom).toMatch(/<svg id="drill-timeline"/);
    expect(dom.match(/<g class="lane" data-node="\d+">/g)).toEqual(
      [0, 1, 2].map((n) => `<g class="lane" data-node="${n}">`),
    );
    for (const phase of ['before 0.0–3.0 s', 'fault 3.0–11.0 s', 'settling 11.0–13.0 s', 'after 13.0–20.0 s'])
      expect(dom).toContain(`>${phase}</text>`);
    // Node 1's lane turns to timeouts at the fault: cells of every kind were drawn from the strips.
    for (const kind of ['ok', 'error', 'timeout', 'none']) expect(dom).toContain(`class="cell ${kind}"`);
    expect(dom).toContain('<title>node 1: timed out, 3.0 s to ');
    expect(dom.match(/<g class="mark leader">/g)).toHaveLength(3);
    expect(dom).toContain('<title>12.5 s partition 1: leader node 2 → node 1</title>');
    expect(dom).toContain('>20 s</text>');
    expect(dom).not.toContain('<noscript>');
  });

  it('ends the timeline in settling when the cluster did not converge', async () => {
    const dom = await renderedDom('not-converged', drillResult('not-converged'));
    expect(dom).toContain('>settling 11.0–20.0 s</text>');
    expect(dom).not.toMatch(/data-phase="after"/);
    expect(dom).toContain('<g class="mark gave-up">');
  });

  it('keeps markup in the data as text: no element of it appears, no script of it runs', async () => {
    const base = drillResult('whole');
    const hostile = `</script><script>document.title = 'pwned'</script><img id="injected" src="x">`;
    const dom = await renderedDom('hostile', {
      ...base,
      timeline: { ...base.timeline, events: base.timeline.events.map((e) => ({ ...e, detail: hostile })) },
    });
    expect(dom).toMatch(/<svg id="drill-timeline"/);
    expect(dom).not.toContain('<img id="injected"');
    expect(dom).toContain('&lt;img id="injected" src="x"&gt;');
    expect(dom).not.toContain('pwned</title>');
    expect(dom).toContain('<title>3.0 s fault: &lt;/script&gt;&lt;script&gt;document.title');
  });
});
