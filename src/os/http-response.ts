// Reading one HTTP/1.1 response from the bytes a socket delivered so far. Pure: the probe
// (os/http-probe.ts) feeds it each chunk and asks whether the answer is whole yet. Enough HTTP for
// what answers on a node's port (Content-Length, chunked, or to the end of the connection), and
// no more: the probe asks loopback servers with "Connection: close", so nothing is ever pipelined.

export type ResponseRead =
  | { readonly kind: 'partial' }
  | { readonly kind: 'complete'; readonly status: number; readonly body: Buffer }
  | { readonly kind: 'malformed'; readonly reason: string };

/** A foreign listener may stream forever: past these sizes it is not the answer we asked for. */
export const MAX_HEAD_BYTES = 64 * 1024;
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: |$)/;

interface Head {
  readonly status: number;
  readonly length: number | null;
  readonly chunked: boolean;
  readonly bodyStart: number;
}

function parseHead(bytes: Buffer, from: number): Head | ResponseRead {
  const end = bytes.indexOf(HEAD_END, from);
  if (end < 0)
    return bytes.length - from > MAX_HEAD_BYTES
      ? { kind: 'malformed', reason: 'response headers too large' }
      : { kind: 'partial' };
  const lines = bytes.toString('latin1', from, end).split('\r\n');
  const status = STATUS_LINE.exec(lines[0] ?? '');
  if (!status) return { kind: 'malformed', reason: 'not an HTTP/1.x response' };
  let length: number | null = null;
  let chunked = false;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (!/^\d+$/.test(value)) return { kind: 'malformed', reason: `bad Content-Length "${value}"` };
      length = Number(value);
    } else if (name === 'transfer-encoding') {
      chunked = value
        .toLowerCase()
        .split(',')
        .map((v) => v.trim())
        .includes('chunked');
    }
  }
  return { status: Number(status[1]), length, chunked, bodyStart: end + HEAD_END.length };
}

type Dechunked =
  | { readonly kind: 'partial' }
  | { readonly kind: 'done'; readonly body: Buffer }
  | { readonly kind: 'malformed'; readonly reason: string };

/** A chunked body: whole once the zero-size chunk (and its blank line) has arrived. */
function dechunk(bytes: Buffer, from: number): Dechunked {
  const parts: Buffer[] = [];
  let at = from;
  let total = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return { kind: 'partial' };
    const sizeText = bytes.toString('latin1', at, lineEnd).split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText))
      return { kind: 'malformed', reason: `bad chunk size "${sizeText.slice(0, 20)}"` };
    const size = parseInt(sizeText, 16);
    if (size === 0) {
      // The last chunk's line, any trailers, then a blank line: "0\r\n\r\n" at the least.
      return bytes.indexOf(HEAD_END, lineEnd) >= 0
        ? { kind: 'done', body: Buffer.concat(parts, total) }
        : { kind: 'partial' };
    }
    total += size;
    if (total > MAX_BODY_BYTES) return { kind: 'malformed', reason: 'response body too large' };
    const dataStart = lineEnd + 2;
    if (bytes.length < dataStart + size + 2) return { kind: 'partial' };
    parts.push(bytes.subarray(dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}

/**
 * What the bytes so far say. `ended` is true once the server closed its side: a body read to the
 * end of the connection is complete then; anything still partial never will be (the caller's call).
 */
export function readResponse(bytes: Buffer, ended: boolean): ResponseRead {
  let from = 0;
  // An interim 1xx answer (100 Continue, 103 Early Hints) precedes the real one.
  for (;;) {
    const head = parseHead(bytes, from);
    if ('kind' in head) return head;
    if (head.status >= 200 || head.status < 100) return readBody(bytes, head, ended);
    from = head.bodyStart;
  }
}

function readBody(bytes: Buffer, head: Head, ended: boolean): ResponseRead {
  if (head.status === 204 || head.status === 304)
    return { kind: 'complete', status: head.status, body: Buffer.alloc(0) };
  if (head.chunked) {
    const body = dechunk(bytes, head.bodyStart);
    return body.kind === 'done' ? { kind: 'complete', status: head.status, body: body.body } : body;
  }
  if (head.length !== null) {
    if (head.length > MAX_BODY_BYTES) return { kind: 'malformed', reason: 'response body too large' };
    const available = bytes.length - head.bodyStart;
    return available >= head.length
      ? { kind: 'complete', status: head.status, body: bytes.subarray(head.bodyStart, head.bodyStart + head.length) }
      : { kind: 'partial' };
  }
  if (bytes.length - head.bodyStart > MAX_BODY_BYTES) return { kind: 'malformed', reason: 'response body too large' };
  return ended ? { kind: 'complete', status: head.status, body: bytes.subarray(head.bodyStart) } : { kind: 'partial' };
}
