// The drill's own BPMN process: start → service task → end, or start → end with --no-task. Its id
// and job type are ours alone, so the drill's workers never touch a user's jobs and the instances it
// leaves behind (the evidence) can be told from the user's by their process id.

export const DRILL_PROCESS_ID = 'c8ctl-nano-drill';
export const DRILL_DIRECT_PROCESS_ID = 'c8ctl-nano-drill-direct';
export const DRILL_JOB_TYPE = 'c8ctl-nano-drill';

export function drillProcessId(withTask: boolean): string {
  return withTask ? DRILL_PROCESS_ID : DRILL_DIRECT_PROCESS_ID;
}

const TASK_ELEMENTS = `    <bpmn:startEvent id="start"><bpmn:outgoing>to-work</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="work" name="drill job">
      <bpmn:extensionElements><zeebe:taskDefinition type="${DRILL_JOB_TYPE}" /></bpmn:extensionElements>
      <bpmn:incoming>to-work</bpmn:incoming>
      <bpmn:outgoing>to-end</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="end"><bpmn:incoming>to-end</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="to-work" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="to-end" sourceRef="work" targetRef="end" />`;

const DIRECT_ELEMENTS = `    <bpmn:startEvent id="start"><bpmn:outgoing>to-end</bpmn:outgoing></bpmn:startEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>to-end</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="to-end" sourceRef="start" targetRef="end" />`;

/**
 * The process as BPMN XML, as the engine deploys it. Deploying the same XML again is harmless: the
 * engine answers with the version it already has (same key), so every drill may deploy it.
 */
export function drillBpmn(withTask: boolean): string {
  const id = drillProcessId(withTask);
  const name = withTask ? 'c8ctl-nano drill' : 'c8ctl-nano drill (no task)';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="${id}-definitions" targetNamespace="urn:c8ctl-plugin-nano:drill">
  <bpmn:process id="${id}" name="${name}" isExecutable="true">
${withTask ? TASK_ELEMENTS : DIRECT_ELEMENTS}
  </bpmn:process>
</bpmn:definitions>
`;
}
