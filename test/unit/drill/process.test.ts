// The drill's own process: its ids are ours, the BPMN names them, and its flows lead from the start
// to the end (through the service task of the drill's job type, unless --no-task).
import { describe, expect, it } from 'vitest';
import {
  DRILL_DIRECT_PROCESS_ID,
  DRILL_JOB_TYPE,
  DRILL_PROCESS_ID,
  drillBpmn,
  drillProcessId,
} from '../../../src/drill/process.js';

/** The path of element ids from the start event, following each element's one outgoing flow. */
function walk(xml: string): string[] {
  const flows = new Map<string, string>();
  for (const m of xml.matchAll(/<bpmn:sequenceFlow id="[^"]+" sourceRef="([^"]+)" targetRef="([^"]+)"/g))
    flows.set(m[1]!, m[2]!);
  const path = ['start'];
  while (flows.has(path.at(-1)!) && path.length < 10) path.push(flows.get(path.at(-1)!)!);
  return path;
}

describe('the drill process', () => {
  it('has ids of its own, one per shape', () => {
    expect(drillProcessId(true)).toBe(DRILL_PROCESS_ID);
    expect(drillProcessId(false)).toBe(DRILL_DIRECT_PROCESS_ID);
    expect(DRILL_PROCESS_ID).not.toBe(DRILL_DIRECT_PROCESS_ID);
    expect(DRILL_JOB_TYPE.startsWith('c8ctl-nano-')).toBe(true);
  });

  it('with a task: start → a service task of the drill job type → end', () => {
    const xml = drillBpmn(true);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<bpmn:definitions /);
    expect(xml).toContain(`<bpmn:process id="${DRILL_PROCESS_ID}" `);
    expect(walk(xml)).toEqual(['start', 'work', 'end']);
    expect(xml).toMatch(/<bpmn:serviceTask id="work"[\s\S]*<zeebe:taskDefinition type="c8ctl-nano-drill" \/>/);
  });

  it('without a task: start → end, nothing for a worker', () => {
    const xml = drillBpmn(false);
    expect(xml).toContain(`<bpmn:process id="${DRILL_DIRECT_PROCESS_ID}" `);
    expect(walk(xml)).toEqual(['start', 'end']);
    expect(xml).not.toContain('serviceTask');
  });

  it('is well-formed: every element it opens is closed', () => {
    for (const xml of [drillBpmn(true), drillBpmn(false)]) {
      const open: string[] = [];
      for (const [tag] of xml.replace(/<\?xml[^>]*\?>/, '').matchAll(/<[^>]+>/g)) {
        if (tag.endsWith('/>')) continue;
        const name = /^<\/?([\w:]+)/.exec(tag)![1]!;
        if (tag.startsWith('</')) expect(open.pop()).toBe(name);
        else open.push(name);
      }
      expect(open).toEqual([]);
    }
  });
});
