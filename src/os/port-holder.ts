// Which program listens on a TCP port, when the OS lets us see it: so a refusal can say "pid 4242
// (python3 -m http.server 8080)" instead of "another program". Linux reads /proc (the listening
// socket's inode, then the process holding that inode); macOS and other Unixes ask lsof. Another
// user's process is usually invisible (its fds are private): then the answer is null, not a guess.
// Only called once a port is known to be busy, so the /proc walk costs nothing on the happy path.
import { execFileText, fsPromises } from './builtins.js';

export interface PortHolder {
  readonly pid: number;
  /** Its command line on one line, shortened. */
  readonly command: string;
}

export type PortHolderLookup = (port: number) => Promise<PortHolder | null>;

const MAX_COMMAND = 100;

/** "pid 4242 (python3 -m http.server 8080)". */
export function describeHolder(holder: PortHolder): string {
  return `pid ${holder.pid} (${holder.command})`;
}

/** One line, at most MAX_COMMAND characters: a command line may hold newlines (node -e) or be huge. */
export function oneLineCommand(raw: string): string {
  const line = raw
    .replace(/\0+$/, '')
    .replace(/[\0\s]+/g, ' ')
    .trim();
  return line.length > MAX_COMMAND ? `${line.slice(0, MAX_COMMAND - 1)}…` : line;
}

/** Inodes of sockets listening on `port` in a /proc/net/tcp or tcp6 table (state 0A is LISTEN). */
export function listeningInodes(table: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (!local || fields[3] !== '0A') continue;
    const hexPort = local.slice(local.lastIndexOf(':') + 1);
    if (Number.parseInt(hexPort, 16) === port && fields[9] && fields[9] !== '0') inodes.push(fields[9]);
  }
  return inodes;
}

async function linuxHolder(port: number): Promise<PortHolder | null> {
  const tables = await Promise.all(
    ['/proc/net/tcp', '/proc/net/tcp6'].map((f) =>
      fsPromises()
        .readFile(f, 'utf8')
        .catch(() => ''),
    ),
  );
  const wanted = new Set(tables.flatMap((t) => listeningInodes(t, port)).map((inode) => `socket:[${inode}]`));
  if (wanted.size === 0) return null;
  const pids = (await fsPromises().readdir('/proc')).filter((e) => /^\d+$/.test(e)).map(Number);
  const holders = await Promise.all(
    pids.map(async (pid) => {
      const fds = await fsPromises()
        .readdir(`/proc/${pid}/fd`)
        .catch(() => [] as string[]); // another user's: not visible
      for (const fd of fds)
        if (
          wanted.has(
            await fsPromises()
              .readlink(`/proc/${pid}/fd/${fd}`)
              .catch(() => ''),
          )
        )
          return pid;
      return null;
    }),
  );
  const pid = holders.find((p): p is number => p !== null);
  if (pid === undefined) return null;
  const cmdline = await fsPromises()
    .readFile(`/proc/${pid}/cmdline`, 'utf8')
    .catch(() => '');
  const command =
    oneLineCommand(cmdline) ||
    (
      await fsPromises()
        .readFile(`/proc/${pid}/comm`, 'utf8')
        .catch(() => '?')
    ).trim();
  return { pid, command };
}

async function lsofHolder(port: number): Promise<PortHolder | null> {
  try {
    const { stdout } = await execFileText('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fp'], { timeout: 3_000 });
    const pid = Number(/^p(\d+)$/m.exec(stdout)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    const { stdout: command } = await execFileText('ps', ['-o', 'command=', '-p', String(pid)], { timeout: 3_000 });
    return { pid, command: oneLineCommand(command) || '?' };
  } catch {
    return null; // no lsof, or it found nothing it may show
  }
}

export function portHolderLookupFor(platform: NodeJS.Platform): PortHolderLookup {
  if (platform === 'linux') return (port) => linuxHolder(port).catch(() => null);
  if (platform === 'win32') return async () => null; // not implemented: the message names the port only
  return lsofHolder;
}

export const findPortHolder: PortHolderLookup = portHolderLookupFor(process.platform);
