// How c8ctl reaches a cluster we started. c8ctl's built-in profile "local" is http://localhost:8080/v2;
// any other port needs a profile of its own. Syntax checked against c8ctl 4.1.0: `add profile <name>
// --baseUrl <url>` (it appends /v2 itself), and a mutating command run without a terminal asks which
// profile to use unless it is named with --profile.
export interface C8ctlAccess {
  readonly profile: string;
  /** Commands to run once, before the first use; empty when c8ctl's default profile already fits. */
  readonly setup: readonly string[];
  readonly example: string;
}

export const C8CTL_DEFAULT_PORT = 8080;

export function c8ctlAccess(port: number): C8ctlAccess {
  if (port === C8CTL_DEFAULT_PORT) return { profile: 'local', setup: [], example: 'c8ctl deploy <file.bpmn>' };
  const profile = `nano-${port}`;
  return {
    profile,
    setup: [`c8ctl add profile ${profile} --baseUrl http://127.0.0.1:${port}`],
    example: `c8ctl deploy <file.bpmn> --profile ${profile}`,
  };
}

/** Lines for start's summary, each a command that can be copied as it is. */
export function c8ctlLines(access: C8ctlAccess): string[] {
  if (access.setup.length === 0) return [`${access.example}   (c8ctl's default profile "local" points here)`];
  return [
    ...access.setup.map((command) => `${command}   (once)`),
    `${access.example}   (or first: c8ctl use profile ${access.profile})`,
  ];
}
