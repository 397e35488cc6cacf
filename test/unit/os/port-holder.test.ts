// Naming the program on a busy port: reading /proc/net/tcp, one-line commands, and the refusal text.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPortsFree } from '../../../src/cluster/preflight.js';
import type { UserError } from '../../../src/errors.js';
import type { BindResult } from '../../../src/os/bind-test.js';
import type { HttpProbe } from '../../../src/os/http-probe.js';
import { findPortHolder, listeningInodes, oneLineCommand, type PortHolder } from '../../../src/os/port-holder.js';
import { freePortRange } from '../../support/ports.js';

const TABLE = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 122 1 00000000f8dfe12b 100 0 0 10 0',
  '   1: 0100007F:1F91 0100007F:5321 06 00000000:00000000 03:00000690 00000000     0        0 0 3 00000000cfb72999',
  '   2: 0100007F:1F90 0100007F:A000 01 00000000:00000000 00:00000000 00000000  1000        0 555 1 0000000000000000 20 4 30 10 -1',
  '   3: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 777 1 0',
].join('\n');

describe('listeningInodes', () => {
  it('takes LISTEN sockets on the port only (v4 and v6 rows), not connections to it', () => {
    expect(listeningInodes(TABLE, 8080)).toEqual(['122', '777']);
    expect(listeningInodes(TABLE, 8081)).toEqual([]);
    expect(listeningInodes('', 8080)).toEqual([]);
  });
});

describe('oneLineCommand', () => {
  it('joins /proc cmdline arguments and folds newlines', () => {
    expect(oneLineCommand('node\0-e\0a\nb\0')).toBe('node -e a b');
  });
  it('shortens a long command line', () => {
    const line = oneLineCommand(`java\0${'-Dx=1 '.repeat(50)}`);
    expect(line).toHaveLength(100);
    expect(line.endsWith('…')).toBe(true);
  });
});

const refusal = async (holder: PortHolder | null): Promise<UserError> => {
  const probe: HttpProbe = { getJson: async () => ({ kind: 'refused' }) as never, close: async () => undefined };
  const deps = {
    tryBind: async (port: number): Promise<BindResult> => (port === 8081 ? 'in-use' : 'free'),
    probe,
    findPortHolder: async () => holder,
  };
  return checkPortsFree([8080, 8081], deps, 'c8ctl-nano').then(
    () => {
      throw new Error('not refused');
    },
    (e: UserError) => e,
  );
};

describe('checkPortsFree names the program when the OS shows it', () => {
  it('with a holder: its pid and command', async () => {
    expect((await refusal({ pid: 4242, command: 'python3 -m http.server 8081' })).message).toBe(
      'Port 8081 is in use by another program: pid 4242 (python3 -m http.server 8081).',
    );
  });
  it('without one: the port only, as before', async () => {
    expect((await refusal(null)).message).toBe('Port 8081 is in use by another program.');
  });
});

describe.runIf(process.platform === 'linux')('findPortHolder on this machine', () => {
  let child: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePortRange(1);
    child = spawn(
      process.execPath,
      ['-e', `require('net').createServer().listen(${port}, '127.0.0.1', () => console.log('listening'))`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`listener exited ${code}`)));
    });
  });
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('finds the listener a test started, by pid and command', async () => {
    const holder = await findPortHolder(port);
    expect(holder?.pid).toBe(child.pid);
    expect(holder?.command).toContain(`${process.execPath} -e require('net')`);
  });

  it('is null for a port nobody listens on', async () => {
    expect(await findPortHolder(await freePortRange(1))).toBeNull();
  });
});
