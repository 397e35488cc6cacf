// Golden files of every help text (issue 25): the grammar is data in src/grammar/, and a refactor of
// it must not change what users read by accident. A change on purpose is one `vitest -u` away, and
// shows in review as a diff of test/golden/help/.
import { describe, expect, it } from 'vitest';
import { subcommandHelp, topHelp } from '../../../src/cli/help.js';
import { PROCESSOS } from '../../../src/grammar/processos.js';
import { NANO } from '../../../src/grammar/nano.js';

describe.each([
  ['c8ctl-nano', NANO],
  ['c8ctl-processos', PROCESSOS],
] as const)('%s help', (prog, command) => {
  it('top level', async () => {
    await expect(topHelp(prog, command)).toMatchFileSnapshot(`../../golden/help/${prog}.txt`);
  });
  it.each(command.subcommands.map((s) => [s.name, s] as const))('%s', async (name, spec) => {
    await expect(subcommandHelp(prog, spec)).toMatchFileSnapshot(`../../golden/help/${prog}-${name}.txt`);
  });
});
