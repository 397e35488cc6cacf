// `export kubernetes`: the objects written (with the cluster secret kept across re-exports) or printed
// (without it), and the next steps. The objects themselves are pure (export/kubernetes.ts).
import { CLUSTER_SECRET } from '../cluster/plan.js';
import { shellPath } from '../export/shell-path.js';
import { kubernetesNames, kubernetesObjects, readinessComment, type KubernetesNames } from '../export/kubernetes.js';
import type { ExportRequest } from '../export/request.js';
import { toYamlStream } from '../export/yaml.js';
import { writeFileAtomic } from '../state/files.js';
import type { CommandContext } from '../kit/context.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { ExportResult, KubernetesListDocument } from '../results/export.js';
import { exportCommandLine, freshSecret, GENERATOR, secretIn, writesJson, type Destination } from '../export/files.js';

export async function exportKubernetes(ctx: CommandContext, request: ExportRequest, d: Destination): Promise<number> {
  const names = kubernetesNames(request.name);
  // A re-export keeps the secret already in the file: a new one would split a running cluster, whose
  // pods restart one by one with whichever secret the Secret holds then.
  const kept = d.previous !== undefined ? secretIn(d.previous) : undefined;
  const secret = d.out === undefined ? null : (kept ?? freshSecret());
  const objects = kubernetesObjects({ request, image: d.image, userEnv: ctx.env, secret });
  const kinds = objects.map((o) => `${String(o.kind)} ${String((o.metadata as { name: string }).name)}`);
  // A foreign document, printed and written as kubectl reads it (see results/export.ts).
  const list = { apiVersion: 'v1', kind: 'List', items: objects } satisfies KubernetesListDocument;
  const createSecret = `kubectl -n ${request.namespace} create secret generic ${names.secret} --from-literal=${CLUSTER_SECRET}="$(openssl rand -hex 32)"`;

  if (d.out === undefined) {
    if (d.json) ctx.out.result(list);
    else ctx.out.info(toYamlStream(objects).trimEnd());
    ctx.out.warn(
      `No Secret was printed (the cluster secret is only ever written to a file given with --out). Create it before applying: ${createSecret}`,
    );
    return 0;
  }
  const text = writesJson(d.out)
    ? `${JSON.stringify(list, null, 2)}\n`
    : `# Written by ${GENERATOR}: ${exportCommandLine(request)}\n${readinessComment(request.shape)}${toYamlStream(objects)}`;
  // The file holds the cluster secret: readable by its owner only.
  await writeFileAtomic(d.out, text, 0o600);
  ctx.out.success(`Wrote ${objects.length} Kubernetes objects to ${d.out}: ${kinds.join(', ')}.`);
  ctx.out.info(
    kept !== undefined
      ? `  Kept the cluster secret already in ${d.out}.`
      : `  A fresh cluster secret is in Secret ${names.secret} (the file is readable by you only).`,
  );
  nextStepsKubernetes(ctx, request, names, { ...d, out: d.out });
  ctx.out.result({
    schemaVersion: SCHEMA_VERSION,
    ok: true,
    target: 'kubernetes',
    written: [d.out],
    objects: kinds,
    secret: kept !== undefined ? 'kept' : 'fresh',
    image: d.image,
  } satisfies ExportResult);
  return 0;
}

function nextStepsKubernetes(
  ctx: CommandContext,
  request: ExportRequest,
  names: KubernetesNames,
  d: Destination & { out: string },
): void {
  ctx.out.info(
    `  Image: ${d.image}${request.image === undefined ? ' (build and push it: export dockerfile, then export again with --image <registry>/…)' : ''}`,
  );
  ctx.out.info(`Apply it:  kubectl apply -f ${shellPath(d.out)}`);
  ctx.out.info(`Watch it:  kubectl -n ${request.namespace} rollout status statefulset/${names.statefulSet}`);
  ctx.out.info(
    `Reach it:  kubectl -n ${request.namespace} port-forward service/${names.client} 8080:8080   (then http://localhost:8080/v2)`,
  );
}
