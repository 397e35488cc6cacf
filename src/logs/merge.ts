// Interleaving several nodes' logs by time. Pure. Engine lines start with an ISO timestamp; lines
// without one (banners, panics, LISTENING_PORT) keep the time of the line before them, so they stay
// with their neighbours.

export interface SourcedLine {
  readonly node: number;
  readonly text: string;
}

const LEADING_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)/;
const BANNER_TIME = / at (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) ---$/;

export function lineTime(text: string): string | undefined {
  return LEADING_TIME.exec(text)?.[1] ?? BANNER_TIME.exec(text)?.[1];
}

/** Compares ISO timestamps of differing fractional precision correctly. */
function timeKey(iso: string): number {
  const [whole = '', fraction = ''] = iso.replace('Z', '').split('.');
  return Date.parse(`${whole}Z`) * 1e6 + Number(fraction.padEnd(9, '0').slice(0, 9)) / 1e3;
}

export function interleave(perNode: ReadonlyArray<{ readonly node: number; readonly lines: readonly string[] }>): SourcedLine[] {
  const keyed: Array<{ key: number; node: number; seq: number; text: string }> = [];
  for (const { node, lines } of perNode) {
    let last = -Infinity;
    lines.forEach((text, seq) => {
      const time = lineTime(text);
      if (time !== undefined) last = timeKey(time);
      keyed.push({ key: last, node, seq, text });
    });
  }
  keyed.sort((a, b) => a.key - b.key || a.node - b.node || a.seq - b.seq);
  return keyed.map(({ node, text }) => ({ node, text }));
}

export function prefixed(line: SourcedLine, withPrefix: boolean): string {
  return withPrefix ? `node-${line.node} │ ${line.text}` : line.text;
}
