// Text from outside (a registry's release notes, a manifest, an engine's log, a URL someone set) is
// shown only once it can neither drive the terminal nor leak a credential. Pure, no imports: every
// line we print, and every file a bug-report bundle archives, passes through here.

const REDACTED = '‹redacted›';

// CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), and any other two-byte ESC sequence.
const ESCAPE_SEQUENCE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?/g;
// What is left of the controls (newline and tab stay), C1 controls, and the bidirectional overrides
// that make text read other than it runs.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** Text that cannot move the cursor, clear the screen, set a title or reorder what it says. */
export function withoutControls(text: string): string {
  // Every printed line comes through here: a regular expression that cannot match is not run (compiling it costs).
  return (text.includes('\x1b') ? text.replace(ESCAPE_SEQUENCE, '') : text).replace(CONTROL, '');
}

const URL_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
// Query parameters whose value is a credential by its name: tokens, keys, signatures, passwords.
const CREDENTIAL_PARAM =
  /token|secret|passw|pwd|signature|credential|auth|session|apikey|api[-_]key|(?:^|[-_.])(?:key|sig)$/i;

/** A URL with its userinfo and credential-looking query values replaced; the rest as written. */
export function redactUrl(url: string): string {
  if (!url.includes('@') && !url.includes('?') && !url.includes(';')) return url;
  const withoutUser = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, `$1${REDACTED}@`);
  return withoutUser.replace(/([?&;])([^=&#;]+)=([^&#;]*)/g, (whole, lead: string, name: string) =>
    CREDENTIAL_PARAM.test(decodeURIComponentSafe(name)) ? `${lead}${name}=${REDACTED}` : whole,
  );
}

/** Every URL in `text`, redacted. */
export function redactUrls(text: string): string {
  return text.includes('://') ? text.replace(URL_TEXT, redactUrl) : text;
}

/** What a line may show: no terminal controls, no credentials in URLs. */
export function safeText(text: string): string {
  return redactUrls(withoutControls(text));
}

/** The same for every string inside a JSON document. */
export function safeJson<T>(value: T): T {
  if (typeof value === 'string') return safeText(value) as T;
  if (Array.isArray(value)) return value.map(safeJson) as T;
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, safeJson(v)])) as T;
  return value;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
