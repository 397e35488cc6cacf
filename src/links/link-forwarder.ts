// One link P(from,to): a loopback listener node `from` dials instead of node `to`, forwarding every
// connection to `to`'s real port through a ConnectionPair. It keeps the current fault table, applies
// a new one to every open pair at once (closing a listener would leave open connections untouched),
// resets a connection the moment it arrives while a flow it carries refuses, and counts connections
// and bytes for applied.json.
import net from 'node:net';
import { ConnectionPair } from './connection-pair.js';
import { connectionDirectionSetting, type FaultTable } from './fault-table.js';

export interface LinkSpec {
  readonly from: number;
  readonly to: number;
  /** 0 = any free port. */
  readonly port: number;
  readonly targetPort: number;
}

export interface LinkStats {
  readonly from: number;
  readonly to: number;
  readonly port: number;
  readonly open: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
}

export interface ForwarderHooks {
  log(line: string): void;
  /** A connection opened or closed. */
  onCountChange(): void;
}

export const LOOPBACK = '127.0.0.1';

export class LinkForwarder {
  readonly name: string;
  private readonly server: net.Server;
  private readonly pairs = new Set<ConnectionPair>();
  private table: FaultTable;
  private count = 0;
  private closedUp = 0;
  private closedDown = 0;
  private boundPort = 0;

  constructor(
    readonly spec: LinkSpec,
    table: FaultTable,
    private readonly hooks: ForwarderHooks,
  ) {
    this.name = `${spec.from}→${spec.to}`;
    this.table = table;
    // Half-open allowed: a dialer's FIN is passed on after its bytes, not turned into a close at once.
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    this.server.on('error', (error: NodeJS.ErrnoException) =>
      hooks.log(`link ${this.name}: listener error (${error.code ?? error.message})`),
    );
  }

  /** Binds 127.0.0.1:port (never all interfaces); resolves the bound port, rejects with the OS error. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const failed = (error: Error): void => reject(error);
      this.server.once('error', failed);
      this.server.listen({ port: this.spec.port, host: LOOPBACK, exclusive: true }, () => {
        this.server.off('error', failed);
        this.boundPort = (this.server.address() as net.AddressInfo).port;
        resolve(this.boundPort);
      });
    });
  }

  get port(): number {
    return this.boundPort;
  }

  apply(table: FaultTable): void {
    this.table = table;
    for (const pair of [...this.pairs]) pair.apply(this.setting('up'), this.setting('down'));
  }

  stats(): LinkStats {
    let bytesUp = this.closedUp;
    let bytesDown = this.closedDown;
    for (const pair of this.pairs) {
      bytesUp += pair.bytesUp;
      bytesDown += pair.bytesDown;
    }
    return { from: this.spec.from, to: this.spec.to, port: this.boundPort, open: this.pairs.size, bytesUp, bytesDown };
  }

  /** Stops listening and closes every connection. */
  close(): Promise<void> {
    for (const pair of [...this.pairs]) pair.close('proxy stopping');
    return new Promise((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
  }

  private setting(direction: 'up' | 'down') {
    return connectionDirectionSetting(this.table, this.spec.from, this.spec.to, direction);
  }

  private accept(socket: net.Socket): void {
    const id = `${this.name}#${++this.count}`;
    const up = this.setting('up');
    const down = this.setting('down');
    if (up.mode === 'reset' || down.mode === 'reset') {
      socket.on('error', () => {});
      socket.resetAndDestroy();
      this.hooks.log(`connection ${id} reset at once (generation ${this.table.generation} refuses it)`);
      return;
    }
    const pair = new ConnectionPair(
      id,
      socket,
      this.spec.targetPort,
      { up, down },
      {
        onClosed: (closed, why) => {
          if (!this.pairs.delete(closed)) return;
          this.closedUp += closed.bytesUp;
          this.closedDown += closed.bytesDown;
          this.hooks.log(`connection ${id} ${why}`);
          this.hooks.onCountChange();
        },
      },
    );
    this.pairs.add(pair);
    this.hooks.log(`connection ${id} open`);
    this.hooks.onCountChange();
  }
}
