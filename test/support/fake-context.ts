// One fake command context for unit tests of verbs (issue 25): an Output that records what it was
// told, the home's layout, and only the effects a test hands in. Any other effect a verb reaches for
// throws, naming it, so a test never silently runs a real spawn, signal or request.
import type { CommandContext, Effects } from '../../src/kit/context.js';
import type { Output } from '../../src/output.js';
import type { ResultDocument } from '../../src/results/index.js';
import { layoutFor } from '../../src/state/layout.js';

export interface FakeContext {
  readonly ctx: CommandContext;
  /** Every line the verb printed, as `kind: text` (info, success, warn, error, progress). */
  readonly printed: string[];
  /** Every --json document it produced. */
  readonly results: ResultDocument[];
}

export function fakeContext(
  home: string,
  options: Partial<Omit<CommandContext, 'effects' | 'out' | 'layout'>> & { effects?: Partial<Effects> } = {},
): FakeContext {
  const printed: string[] = [];
  const results: ResultDocument[] = [];
  const say =
    (kind: string) =>
    (line: string): void => {
      printed.push(`${kind}: ${line}`);
    };
  const out: Output = {
    mode: 'text',
    info: say('info'),
    success: say('success'),
    warn: say('warn'),
    error: say('error'),
    progress: say('progress'),
    result: (document: ResultDocument) => {
      results.push(document);
    },
    frame: () => undefined,
  };
  const given = options.effects ?? {};
  const effects = new Proxy(given, {
    get(target, name: string) {
      if (name in target) return target[name as keyof Effects];
      throw new Error(`the verb used effects.${name}, which this test did not fake`);
    },
  }) as Effects;
  const { effects: _given, ...rest } = options;
  const ctx: CommandContext = {
    out,
    prog: 'c8ctl nano',
    env: {},
    cwd: home,
    layout: layoutFor(home),
    platform: 'linux',
    interactive: false,
    interrupt: new AbortController().signal,
    assumeYes: false,
    ...rest,
    effects,
  };
  return { ctx, printed, results };
}
