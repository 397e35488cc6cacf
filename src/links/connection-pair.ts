// One proxied connection: the socket node `from` dialled to the proxy, and the proxy's own connection
// to node `to`'s real port, joined by two valves (up = from→to bytes, down = to→from). A refusing
// fault resets both sockets, as a peer that answers with RST; a silent one holds a direction. While
// the up direction is held, the target is not even dialled, as a SYN lost on the way would not arrive.
// Half-closes are passed on after the bytes before them; errors, or a linger after the first
// half-close, close the pair. Only counts and error codes are ever reported, never bytes.
import net from 'node:net';
import type { FlowSetting } from './fault-table.js';
import { Valve } from './valve.js';

/** After one side's end is delivered, how long the other may take before the pair is destroyed. */
export const LINGER_MS = 2000;

export interface PairHooks {
  /** Called once, when the pair is gone; `why` is a short phrase for the log. */
  onClosed(pair: ConnectionPair, why: string): void;
}

export class ConnectionPair {
  private upstream: net.Socket | null = null;
  private down: Valve | null = null;
  private readonly up: Valve;
  private closed = false;
  private linger: NodeJS.Timeout | null = null;
  private downSetting: FlowSetting;

  constructor(
    readonly id: string,
    private readonly client: net.Socket,
    private readonly targetPort: number,
    settings: { up: FlowSetting; down: FlowSetting },
    private readonly hooks: PairHooks,
  ) {
    this.downSetting = settings.down;
    client.setNoDelay(true);
    client.on('error', (error: NodeJS.ErrnoException) =>
      this.close(`dialer side failed (${error.code ?? error.message})`),
    );
    client.on('close', () => this.sideClosed());
    this.up = new Valve(
      {
        pause: () => client.pause(),
        resume: () => client.resume(),
        write: (c) => this.upstream!.write(c),
        end: () => this.upstream!.end(),
      },
      () => this.startLinger(),
    );
    client.on('data', (chunk: Buffer) => this.up.push(chunk));
    // A dialer that gives up while its connection never reached the target (held up) is simply gone.
    client.on('end', () =>
      this.upstream === null ? this.close('given up before reaching the target') : this.up.end(),
    );
    client.on('drain', () => this.down?.drained());
    this.apply(settings.up, settings.down);
  }

  get bytesUp(): number {
    return this.up.delivered;
  }

  get bytesDown(): number {
    return this.down?.delivered ?? 0;
  }

  /** Applies a new setting to each direction; a refusing one resets the pair. */
  apply(up: FlowSetting, down: FlowSetting): void {
    if (this.closed) return;
    if (up.mode === 'reset' || down.mode === 'reset') return this.reset();
    this.downSetting = down;
    if (up.mode !== 'stall' && this.upstream === null) this.dial();
    this.up.set(up);
    this.down?.set(down);
  }

  /** Resets both sockets (RST, not FIN) and forgets what is queued. */
  reset(): void {
    if (this.closed) return;
    for (const socket of [this.client, this.upstream]) {
      try {
        socket?.resetAndDestroy();
      } catch {
        socket?.destroy();
      }
    }
    this.close('reset by fault');
  }

  /** Closes both sockets at once. */
  close(why: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.linger) clearTimeout(this.linger);
    this.up.close();
    this.down?.close();
    this.client.destroy();
    this.upstream?.destroy();
    this.hooks.onClosed(this, why);
  }

  private dial(): void {
    const upstream = net.connect({ port: this.targetPort, host: '127.0.0.1', allowHalfOpen: true });
    this.upstream = upstream;
    upstream.setNoDelay(true);
    const down = new Valve(
      {
        pause: () => upstream.pause(),
        resume: () => upstream.resume(),
        write: (c) => this.client.write(c),
        end: () => this.client.end(),
      },
      () => this.startLinger(),
    );
    this.down = down;
    down.set(this.downSetting);
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      // A target that refuses or fails: the dialer sees the connection reset, as it would without us.
      if (!this.closed) this.client.resetAndDestroy();
      this.close(`target port ${this.targetPort} failed (${error.code ?? error.message})`);
    });
    upstream.on('close', () => this.sideClosed());
    upstream.on('data', (chunk: Buffer) => down.push(chunk));
    upstream.on('end', () => down.end());
    upstream.on('drain', () => this.up.drained());
  }

  /** A socket closed: the pair is done once both have (or the linger ends it). */
  private sideClosed(): void {
    if (this.client.destroyed && (this.upstream === null || this.upstream.destroyed)) this.close('closed');
    else this.startLinger();
  }

  private startLinger(): void {
    if (this.closed || this.linger) return;
    this.linger = setTimeout(() => this.close('closed (linger ended)'), LINGER_MS);
    this.linger.unref();
  }
}
