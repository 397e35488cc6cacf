// `nano doctor`: every preflight check, one line each, with the exact fix for each failure. The
// checks themselves are in ops/doctor-checks.ts (`bundle` archives them too).
import { EXIT } from '../errors.js';
import type { CommandContext } from '../kit/context.js';
import { formatCheck, runDoctor } from '../ops/doctor-checks.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { DoctorResult } from '../results/tools.js';

export async function doctorCommand(ctx: CommandContext): Promise<number> {
  const checks = await runDoctor(ctx);
  for (const check of checks) for (const line of formatCheck(check)) ctx.out.info(line);
  const failed = checks.filter((c) => c.status === 'fail').length;
  const warned = checks.filter((c) => c.status === 'warn').length;
  ctx.out.info('');
  ctx.out.info(
    failed > 0
      ? `${failed} check(s) failed${warned ? `, ${warned} warning(s)` : ''}.`
      : warned > 0
        ? `No failures; ${warned} warning(s).`
        : 'All checks passed.',
  );
  ctx.out.result({
    schemaVersion: SCHEMA_VERSION,
    ok: failed === 0,
    failed,
    warnings: warned,
    checks,
  } satisfies DoctorResult);
  return failed > 0 ? EXIT.failure : EXIT.ok;
}
