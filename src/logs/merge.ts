// Interleaving several nodes' logs by time. Pure. Engine lines start with an ISO timestamp; a line
// without one (banners, panics, LISTENING_PORT) takes the time of the line before it, or, at the top
// of a window, of the first timed line after it, so it stays with its neighbours.

export interface SourcedLine {
  readonly node: number;
  readonly text: string;
}

const LEADING_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z/;
const BANNER_TIME = / at (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z ---$/;

/** A comparable time: whole milliseconds since the epoch, then nanoseconds within the second. */
interface TimeKey {
  readonly seconds: number;
  readonly nanos: number;
}

export function lineTime(text: string): TimeKey | undefined {
  const match = LEADING_TIME.exec(text) ?? BANNER_TIME.exec(text);
  if (!match) return undefined;
  // Kept as two numbers: one float of nanoseconds since 1970 exceeds 2^53 and would round.
  return { seconds: Date.parse(`${match[1]}Z`) / 1000, nanos: Number((match[2] ?? '').padEnd(9, '0').slice(0, 9)) };
}

function compareTime(a: TimeKey | undefined, b: TimeKey | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return a.seconds - b.seconds || a.nanos - b.nanos;
}

/** Each line's time: its own, else the previous line's, else (at the top) the next timed line's. */
function timesOf(lines: readonly string[]): Array<TimeKey | undefined> {
  const times = lines.map(lineTime);
  let last: TimeKey | undefined;
  for (let i = 0; i < times.length; i += 1) {
    if (times[i] !== undefined) last = times[i];
    else times[i] = last;
  }
  const firstTimed = times.find((t) => t !== undefined);
  for (let i = 0; i < times.length && times[i] === undefined; i += 1) times[i] = firstTimed;
  return times;
}

export function interleave(
  perNode: ReadonlyArray<{ readonly node: number; readonly lines: readonly string[] }>,
): SourcedLine[] {
  const keyed: Array<{ time: TimeKey | undefined; node: number; seq: number; text: string }> = [];
  for (const { node, lines } of perNode) {
    const times = timesOf(lines);
    for (const [seq, text] of lines.entries()) keyed.push({ time: times[seq], node, seq, text });
  }
  keyed.sort((a, b) => compareTime(a.time, b.time) || a.node - b.node || a.seq - b.seq);
  return keyed.map(({ node, text }) => ({ node, text }));
}

export function prefixed(line: SourcedLine, withPrefix: boolean): string {
  return withPrefix ? `node-${line.node} │ ${line.text}` : line.text;
}
