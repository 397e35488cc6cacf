// `export compose`: the Compose file and the secret env file beside it, written together or not at
// all, and the commands that run it with Compose v2, docker-compose v1 and podman-compose.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { CLUSTER_SECRET } from '../cluster/plan.js';
import { composeDocument, secretEnvFile, serviceName } from '../export/compose.js';
import { shellPath } from '../export/shell-path.js';
import type { ExportRequest } from '../export/request.js';
import { toYaml } from '../export/yaml.js';
import { writeFileAtomic } from '../state/files.js';
import type { CommandContext } from '../kit/context.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { ComposeDocument, ExportResult } from '../results/export.js';
import {
  exportCommandLine,
  freshSecret,
  GENERATOR,
  keptSecretFile,
  writesJson,
  type Destination,
} from '../export/files.js';

export async function exportCompose(
  ctx: CommandContext,
  request: ExportRequest,
  d: Destination,
  allInterfaces: boolean,
): Promise<number> {
  const document = composeDocument({ request, image: d.image, userEnv: ctx.env, allInterfaces });
  const envName = secretEnvFile(request.name);
  const makeSecret = `printf '${CLUSTER_SECRET}=%s\\n' "$(openssl rand -hex 32)" > ${envName} && chmod 600 ${envName}`;
  if (d.out === undefined) {
    if (d.json) ctx.out.result(document satisfies ComposeDocument);
    else ctx.out.info(toYaml(document).trimEnd());
    ctx.out.warn(
      `The services read the cluster secret from ./${envName}, which was not written (only --out writes it). Create it next to the Compose file: ${makeSecret}`,
    );
    return 0;
  }
  const envFile = path.join(path.dirname(d.out), envName);
  const keptEnv = existsSync(envFile) && keptSecretFile(envFile, d.force);
  const text = writesJson(d.out)
    ? `${JSON.stringify(document, null, 2)}\n`
    : `# Written by ${GENERATOR}: ${exportCommandLine(request)}\n${toYaml(document)}`;
  // The secret first, so a failed Compose write can take back exactly what this run created.
  if (!keptEnv) await writeFileAtomic(envFile, `${CLUSTER_SECRET}=${freshSecret()}\n`, 0o600);
  try {
    await writeFileAtomic(d.out, text, 0o644);
  } catch (error) {
    if (!keptEnv) await rm(envFile, { force: true });
    throw error;
  }
  const services = Array.from({ length: request.shape.nodes }, (_, id) => serviceName(request.name, id));
  const host = allInterfaces ? 'every interface' : '127.0.0.1';
  ctx.out.success(
    `Wrote ${services.length} Compose service(s) to ${d.out}: ${services.join(', ')}, on host ports ${request.shape.basePort}-${request.shape.basePort + services.length - 1} (${host}).`,
  );
  ctx.out.info(
    keptEnv
      ? `  Kept the cluster secret in ${envFile}.`
      : `  A fresh cluster secret is in ${envFile} (readable by you only).`,
  );
  ctx.out.info(`  Image: ${d.image}${request.image === undefined ? ' (build it first: export dockerfile)' : ''}`);
  // -p: the project name the user expects, whatever the folder is called; v1, v2 and podman-compose all take it.
  const project = `-p ${request.name} -f ${shellPath(d.out)}`;
  ctx.out.info(
    `Run it:    docker compose ${project} up -d   (Compose v2; v1: docker-compose ${project} up -d; or podman-compose ${project} up -d)`,
  );
  ctx.out.info(`Remove it: docker compose ${project} down -v   (-v deletes the nodes' volumes: their data)`);
  ctx.out.result({
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    target: 'compose',
    written: keptEnv ? [d.out] : [envFile, d.out],
    services,
    secret: keptEnv ? 'kept' : 'fresh',
    image: d.image,
  } satisfies ExportResult);
  return 0;
}
