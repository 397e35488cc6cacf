// Reading peer uplinks from the engine's Prometheus text (src/cluster/peers.ts).
import { describe, expect, it } from 'vitest';
import { connectedPeers, unreachedPeers } from '../../../src/cluster/peers.js';

const HELP =
  '# HELP nanobpm_peer_connect_attempts_total Peer uplink dial (redial) attempts\n# TYPE nanobpm_peer_connect_attempts_total counter\n';

describe('connectedPeers / unreachedPeers', () => {
  it('counts a peer as reached once an ok dial is recorded, whatever the label order', () => {
    const text = `${HELP}nanobpm_peer_connect_attempts_total{outcome="fail",target="1"} 3\nnanobpm_peer_connect_attempts_total{target="2",outcome="ok"} 1\nnanobpm_other 5\n`;
    expect([...connectedPeers(text)!]).toEqual([2]);
    expect(unreachedPeers(text, 0, [0, 1, 2])).toEqual([1]);
  });

  it('a failed dial alone, or an ok count of 0, is not a connection', () => {
    const text = `${HELP}nanobpm_peer_connect_attempts_total{outcome="fail",target="1"} 1\nnanobpm_peer_connect_attempts_total{outcome="ok",target="2"} 0\n`;
    expect(unreachedPeers(text, 0, [0, 1, 2])).toEqual([1, 2]);
  });

  it('a node never waits for itself, and a single node has no peers', () => {
    expect(unreachedPeers(HELP, 0, [0])).toEqual([]);
    expect(
      unreachedPeers(`${HELP}nanobpm_peer_connect_attempts_total{outcome="ok",target="0"} 1\n`, 1, [0, 1]),
    ).toEqual([]);
  });

  it('an engine that does not report the metric is not waited for', () => {
    expect(connectedPeers('# HELP something_else x\nsomething_else 1\n')).toBeNull();
    expect(unreachedPeers('', 0, [0, 1, 2])).toEqual([]);
  });
});
