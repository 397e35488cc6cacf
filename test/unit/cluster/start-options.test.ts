import { describe, expect, it } from 'vitest';
import { validateStart, type RawStartArgs } from '../../../src/cluster/start-options.js';
import { parsePort, parseSeconds, parseWholeNumber } from '../../../src/values.js';
import { expectInvalid } from '../../support/expect-invalid.js';

describe('validateStart defaults', () => {
  it('is one node on port 8080, one partition, rf 1, 60 s', () => {
    expect(validateStart({})).toEqual({
      nodes: 1,
      basePort: 8080,
      partitions: 1,
      rf: 1,
      raft: false,
      replication: 'leader-durable',
      storage: 'disk',
      historyMax: null,
      console: 'studio',
      capture: false,
      networkFaults: false,
      binary: undefined,
      force: false,
      timeoutMs: 60_000,
    });
  });

  it('refuses --replication without Raft, where no tier applies', () => {
    expectInvalid(
      () => validateStart({ count: '3', replication: 'leader-durable' }),
      '--replication leader-durable needs Raft',
    );
    expect(validateStart({ count: '3', raft: true, replication: 'quorum' }).replication).toBe('quorum');
  });

  it('takes --network-faults only with peers to break', () => {
    expect(validateStart({ count: '3', networkFaults: true }).networkFaults).toBe(true);
    expectInvalid(() => validateStart({ networkFaults: true }), '--network-faults needs at least 2 nodes');
  });

  it('defaults partitions to the node count', () => {
    expect(validateStart({ count: '5' }).partitions).toBe(5);
  });

  it('passes the booleans and binary through', () => {
    const r = validateStart({ raft: true, capture: true, force: true, binary: '/b' });
    expect(r).toMatchObject({ raft: true, capture: true, force: true, binary: '/b' });
  });
});

describe('validateStart rejects bad input', () => {
  const cases: Array<[string, RawStartArgs, string[]]> = [
    ['count 0', { count: '0' }, ['"0"']],
    ['count 65', { count: '65' }, ['"65"']],
    ['count abc', { count: 'abc' }, ['"abc"']],
    ['count 3.0', { count: '3.0' }, ['"3.0"']],
    ['count -1', { count: '-1' }, ['"-1"']],
    ['count 1e3', { count: '1e3' }, ['"1e3"']],
    ['count " 3"', { count: ' 3' }, ['" 3"']],
    ['port 0', { port: '0' }, ['"0"', '--port']],
    ['port 65536', { port: '65536' }, ['"65536"']],
    ['port abc', { port: 'abc' }, ['"abc"']],
    ['port 80.5', { port: '80.5' }, ['"80.5"']],
    ['port 65535 with 3 nodes', { count: '3', port: '65535' }, ['65535', '65537', '65533']],
    ['partitions 0', { partitions: '0' }, ['"0"', '--partitions']],
    ['partitions 2 with 3 nodes', { count: '3', partitions: '2' }, ['"2"', 'from 3']],
    ['partitions x', { partitions: 'x' }, ['"x"']],
    ['rf 0', { rf: '0' }, ['"0"', '--rf']],
    ['rf 4 with 3 nodes', { count: '3', rf: '4' }, ['"4"', 'from 1 to 3']],
    ['rf abc', { rf: 'abc' }, ['"abc"']],
    ['timeout 0', { timeout: '0' }, ['"0"', '--timeout']],
    ['timeout -5', { timeout: '-5' }, ['"-5"']],
    ['timeout abc', { timeout: 'abc' }, ['"abc"']],
    ['timeout 1e3', { timeout: '1e3' }, ['"1e3"']],
  ];

  it.each(cases)('%s', (_name, raw, fragments) => {
    expectInvalid(() => validateStart(raw), ...fragments);
  });
});

describe('validateStart edge cases that are allowed', () => {
  it('accepts 64 nodes', () => {
    const r = validateStart({ count: '64' });
    expect(r.nodes).toBe(64);
    expect(r.partitions).toBe(64);
  });

  it('accepts port 65533 with 3 nodes (last port 65535)', () => {
    const r = validateStart({ count: '3', port: '65533' });
    expect(r.basePort).toBe(65533);
    expect(r.nodes).toBe(3);
  });

  it('accepts 6 partitions on 3 nodes', () => {
    expect(validateStart({ count: '3', partitions: '6' }).partitions).toBe(6);
  });

  it('accepts rf equal to the node count', () => {
    expect(validateStart({ count: '3', rf: '3' }).rf).toBe(3);
  });

  it('turns a fractional timeout into milliseconds', () => {
    expect(validateStart({ timeout: '0.5' }).timeoutMs).toBe(500);
  });
});

describe('parsePort', () => {
  it('accepts 1 and 65535', () => {
    expect(parsePort('--port', '1')).toBe(1);
    expect(parsePort('--port', '65535')).toBe(65535);
  });

  it('names the flag it was given', () => {
    expectInvalid(() => parsePort('--other', '0'), '--other', '"0"');
  });
});

describe('parseSeconds', () => {
  it('falls back when the value is absent', () => {
    expect(parseSeconds('--timeout', undefined, 10)).toBe(10_000);
  });

  it('converts seconds to milliseconds', () => {
    expect(parseSeconds('--timeout', '120', 60)).toBe(120_000);
    expect(parseSeconds('--timeout', '1.25', 60)).toBe(1250);
  });

  it('takes up to a day', () => {
    expect(parseSeconds('--timeout', '0.001', 60)).toBe(1);
    expect(parseSeconds('--timeout', '86400', 60)).toBe(86_400_000);
    expect(parseSeconds('--timeout', '0086400.000', 60)).toBe(86_400_000);
  });

  it.each(['0.0', '.5', '1.', '1.2345', '+3', ' 1', '1e9', '0x10', '-1', 'abc', ''])(
    'rejects %j, naming the allowed range',
    (text) => {
      expectInvalid(
        () => parseSeconds('--timeout', text, 60),
        `--timeout "${text}"`,
        'seconds from 0.001 to 86400 (a day)',
        'Example: --timeout 120',
      );
    },
  );

  it.each(['86400.001', '100000', '999999999999'])('rejects %j as out of range', (text) => {
    expectInvalid(
      () => parseSeconds('--interval', text, 1),
      `--interval "${text}" is out of range: give seconds from 0.001 to 86400 (a day).`,
    );
  });
});

describe('parseWholeNumber', () => {
  it('reads decimal digits', () => {
    expect(parseWholeNumber('0')).toBe(0);
    expect(parseWholeNumber('42')).toBe(42);
    expect(parseWholeNumber('007')).toBe(7);
  });

  it.each(['', '3.0', '1e3', '0x10', ' 3', '3 ', '+3', '-3', 'abc', '1234567890'])('rejects %j', (text) => {
    expect(parseWholeNumber(text)).toBeUndefined();
  });
});

describe('validateStart replication tier', () => {
  it('is leader-durable, the tier under which every drill heals, with Raft or without', () => {
    expect(validateStart({ count: '3', rf: '3' }).replication).toBe('leader-durable');
    expect(validateStart({ count: '3', raft: true }).replication).toBe('leader-durable');
    expect(validateStart({ count: '3' }).replication).toBe('leader-durable');
    expect(validateStart({ count: '3', rf: '3', replication: 'quorum' }).replication).toBe('quorum');
  });

  it("takes the flag first, then the export, then the previous cluster's tier", () => {
    const raw = { count: '3', rf: '3' };
    expect(
      validateStart({ ...raw, replication: 'leader-durable', env: { NANOBPMN_REPLICATION: 'quorum' } }).replication,
    ).toBe('leader-durable');
    expect(
      validateStart({ ...raw, env: { NANOBPMN_REPLICATION: 'leader-durable' }, previousReplication: 'quorum' })
        .replication,
    ).toBe('leader-durable');
    expect(validateStart({ ...raw, previousReplication: 'leader-durable' }).replication).toBe('leader-durable');
    // A previous RF 1 tier means nothing for a new Raft cluster.
    expect(validateStart({ count: '3', previousReplication: 'leader-durable' }).replication).toBe('leader-durable');
  });

  it.each([
    [{ replication: 'fast' }, '--replication "fast" must be leader-durable'],
    [{ env: { NANOBPMN_REPLICATION: 'Quorum' } }, 'NANOBPMN_REPLICATION="Quorum"'],
    [{ env: { NANOBPMN_DURABILITY: 'fsync' } }, 'NANOBPMN_DURABILITY="fsync"'],
  ])('refuses a value the engine would ignore silently: %j', (raw, fragment) => {
    expectInvalid(() => validateStart({ count: '3', rf: '3', ...raw }), fragment);
  });
});

describe('validateStart storage and history', () => {
  it('keeps data on disk unless --in-memory', () => {
    expect(validateStart({}).storage).toBe('disk');
    expect(validateStart({ inMemory: true }).storage).toBe('memory');
  });
  it('takes --history-max from 1 to 100000000', () => {
    expect(validateStart({ historyMax: '1' }).historyMax).toBe(1);
    expect(validateStart({ historyMax: '100000000' }).historyMax).toBe(100_000_000);
  });
  it.each(['0', '-1', '1e3', 'many', '100000001', ''])('refuses --history-max %j with the range', (value) => {
    expectInvalid(() => validateStart({ historyMax: value }), '--history-max', 'from 1 to 100000000');
  });
});

describe('validateStart console mode', () => {
  it("takes the flag, then the export, then the previous cluster's, else studio (the engine default)", () => {
    expect(validateStart({}).console).toBe('studio');
    expect(validateStart({ console: 'off', env: { NANOBPMN_CONSOLE: 'observe' } }).console).toBe('off');
    expect(validateStart({ env: { NANOBPMN_CONSOLE: 'observe' }, previousConsole: 'off' }).console).toBe('observe');
    expect(validateStart({ previousConsole: 'off' }).console).toBe('off');
  });
  it('refuses a mode the engine does not know', () => {
    expectInvalid(() => validateStart({ console: 'on' }), '--console "on"');
    expectInvalid(() => validateStart({ env: { NANOBPMN_CONSOLE: 'yes' } }), 'NANOBPMN_CONSOLE="yes"');
  });
});
