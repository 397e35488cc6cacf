// A fault table in the user's words, one short line per fault: flows that together isolate or slow a
// node are told as that node ("node 0 isolated (silent)"), the rest flow by flow ("0→1 cut (refused)").
// The table alone cannot say what "every flow of node 0" is, so the cluster size comes with it. Pure.
import { flowSetting, flowsTouching, isShaped, type FaultTable, type FlowMode, type Shaping } from './fault-table.js';

const MODE_WORD: Record<Exclude<FlowMode, 'pass'>, string> = { stall: 'silent', reset: 'refused' };

/** One line per fault in a cluster of n nodes, cuts and isolations first, then slowed nodes and flows; [] when there is none. */
export function describeFaults(table: FaultTable, n: number): string[] {
  const key = ([from, to]: readonly [number, number]): string => `${from}>${to}`;
  const lines: string[] = [];
  const told = new Set<string>();
  for (let node = 0; node < n; node++) {
    const pairs = flowsTouching(node, n);
    const modes = pairs.map(([from, to]) => flowSetting(table, from, to).mode);
    const mode = modes[0];
    if (mode === undefined || mode === 'pass' || modes.some((m) => m !== mode)) continue;
    // A node whose every flow was already told as part of others' isolations adds nothing.
    if (pairs.every((p) => told.has(key(p)))) continue;
    lines.push(`node ${node} isolated (${MODE_WORD[mode]})`);
    for (const p of pairs) told.add(key(p));
  }
  for (const f of table.flows) {
    if (f.mode !== 'pass' && !told.has(key([f.from, f.to]))) lines.push(`${f.from}→${f.to} cut (${MODE_WORD[f.mode]})`);
  }
  const shaped = new Set<string>();
  for (let node = 0; node < n; node++) {
    const pairs = flowsTouching(node, n);
    const texts = pairs.map(([from, to]) => shapingText(flowSetting(table, from, to)));
    const text = texts[0];
    if (text === undefined || text === '' || texts.some((t) => t !== text)) continue;
    if (pairs.every((p) => shaped.has(key(p)))) continue;
    lines.push(`node ${node} slowed: ${text}`);
    for (const p of pairs) shaped.add(key(p));
  }
  for (const f of table.flows) {
    if (isShaped(f) && !shaped.has(key([f.from, f.to]))) lines.push(`${f.from}→${f.to} slowed: ${shapingText(f)}`);
  }
  return lines;
}

/** "+200 ms ±50 ms, 100 KB/s" (KB = 1000 bytes); '' when nothing is shaped. */
export function shapingText(s: Shaping): string {
  const timing = [s.delayMs > 0 ? `+${s.delayMs} ms` : '', s.jitterMs > 0 ? `±${s.jitterMs} ms` : '']
    .filter(Boolean)
    .join(' ');
  const rate = s.rateBytesPerSec === null ? '' : rateText(s.rateBytesPerSec);
  return [timing, rate].filter(Boolean).join(', ');
}

function rateText(bytesPerSec: number): string {
  const [value, unit] =
    bytesPerSec >= 1e6
      ? [bytesPerSec / 1e6, 'MB/s']
      : bytesPerSec >= 1e3
        ? [bytesPerSec / 1e3, 'KB/s']
        : [bytesPerSec, 'B/s'];
  return `${Math.round(value * 10) / 10} ${unit}`;
}
