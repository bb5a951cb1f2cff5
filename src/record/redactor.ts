import { hexAt } from '../sim/random.js';

/** Extra names to redact, on top of the built-in ones (case-insensitive). */
export interface RedactionOptions {
  /** Header names whose values are replaced. */
  headers?: readonly string[];
  /** Query parameter names whose values are replaced (in request URLs and in URLs inside bodies). */
  query?: readonly string[];
  /** JSON field names whose values are replaced, at any depth. */
  fields?: readonly string[];
  /** Values replaced wherever they appear (keys the recorder learns from requests are added as it goes). */
  secrets?: readonly string[];
}

export const REDACTED = '[redacted]';

// Credentials and signatures by name: the API key, the mock's admin token, cookies, webhook signatures.
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-aigw-admin-token', 'x-api-key', 'api-key', 'aig-signature', 'x-gateway-signature'];
const SECRET_HEADER_PATTERN = /(^|-)(token|secret|signature|password|api-?key|credentials?|session)($|-)/i;
// Signed-URL tokens (S3, GCS, CloudFront, Azure SAS, generic), API keys in query strings.
const SECRET_QUERY = ['token', 'access_token', 'api_key', 'apikey', 'key', 'sig', 'signature', 'policy', 'key-pair-id', 'secret', 'password', 'x-amz-signature', 'x-amz-credential', 'x-amz-security-token', 'x-goog-signature', 'x-goog-credential'];
const SECRET_QUERY_PATTERN = /(token|secret|signature|password|credential|api[-_]?key)/i;
const SECRET_FIELD_PATTERN = /(secret|token|password|api[-_]?key|signature|credential)/i;
/** Fields whose whole URL may be a secret (webhook endpoints often carry their token in the path). */
const URL_SECRET_FIELDS = new Set(['webhook_url']);
const KEY_IN_TEXT = /sk-aig-[A-Za-z0-9][A-Za-z0-9._~+/=-]*/gi;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A short name of a credential, so a recording can tell two keys apart without holding either, and
 * a replay can compute it from the key it is sent. Needs no secret (a recording is read in another
 * process), so it is not the mock's account fingerprint, which is keyed (src/sim/key-hash.ts).
 */
export const fingerprint = (credential: string): string => `key_${hexAt(12, 0x5eed, 'fingerprint', credential)}`;

/** The fingerprint an Authorization header carries: what the recorder writes for it, and what a replay compares. */
export function authorizationFingerprint(value: string | undefined): string | null {
  if (value === undefined) return null;
  const written = /\[redacted\] (key_[0-9a-f]+)$/.exec(value);
  if (written !== null) return written[1] as string;
  const match = /^(\S+)\s+(.+)$/.exec(value.trim());
  return fingerprint(match?.[2] ?? value.trim());
}

export interface Redactor {
  /** A header's value as it may be written. Learns the secret it carries. */
  header(name: string, value: string): string;
  /** A URL with secret query parameters and user info replaced. */
  url(raw: string): string;
  /** A JSON value with secret fields, webhook URLs, URL tokens and known secrets replaced. */
  json(value: unknown): unknown;
  /** Free text with known secrets and anything shaped like an API key replaced. */
  text(text: string): string;
  /** What is redacted by name, for the HAR's log notes. */
  readonly names: { headers: string[]; query: string[]; fields: string[] };
}

export function createRedactor(options: RedactionOptions = {}): Redactor {
  const headerNames = new Set([...SECRET_HEADERS, ...(options.headers ?? []).map((h) => h.toLowerCase())]);
  const queryNames = new Set([...SECRET_QUERY, ...(options.query ?? []).map((q) => q.toLowerCase())]);
  const fieldNames = new Set((options.fields ?? []).map((f) => f.toLowerCase()));
  const secrets = new Set((options.secrets ?? []).filter((s) => s.length >= 4));

  const text = (input: string): string => {
    let out = input;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out.replace(KEY_IN_TEXT, `sk-aig-${REDACTED}`);
  };
  const secretHeader = (name: string): boolean => headerNames.has(name) || SECRET_HEADER_PATTERN.test(name);
  const secretQuery = (name: string): boolean => queryNames.has(name.toLowerCase()) || SECRET_QUERY_PATTERN.test(name);
  const secretField = (name: string): boolean => fieldNames.has(name.toLowerCase()) || SECRET_FIELD_PATTERN.test(name);

  const url = (raw: string): string => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return text(raw);
    }
    if (parsed.username !== '' || parsed.password !== '') {
      parsed.username = parsed.username === '' ? '' : 'redacted';
      parsed.password = parsed.password === '' ? '' : 'redacted';
    }
    if (parsed.search !== '') {
      // Rebuilt by hand: URLSearchParams would re-encode the parameters that stay as they were.
      const parts = parsed.search.slice(1).split('&').map((part) => {
        const eq = part.indexOf('=');
        const name = eq < 0 ? part : part.slice(0, eq);
        let decoded = name;
        try {
          decoded = decodeURIComponent(name.replace(/\+/g, ' '));
        } catch {
          // keep the raw name
        }
        return eq >= 0 && secretQuery(decoded) ? `${name}=${encodeURIComponent(REDACTED)}` : part;
      });
      parsed.search = `?${parts.join('&')}`;
    }
    return text(parsed.href === raw ? raw : parsed.href);
  };

  const webhookUrl = (raw: string): string => {
    try {
      const parsed = new URL(raw);
      // Still a valid URI (a request that was valid stays valid), with nothing of the original path or query.
      return `${parsed.protocol}//${parsed.host}/redacted`;
    } catch {
      return REDACTED;
    }
  };

  const json = (value: unknown, field?: string): unknown => {
    if (typeof value === 'string') {
      if (field !== undefined && URL_SECRET_FIELDS.has(field.toLowerCase())) return webhookUrl(value);
      if (field !== undefined && secretField(field)) return REDACTED;
      return /^https?:\/\//i.test(value) ? url(value) : text(value);
    }
    if (Array.isArray(value)) return value.map((item) => json(item, field));
    if (isObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(value)) {
        out[name] = json(item, name);
      }
      return out;
    }
    return value;
  };

  return {
    header(rawName, value) {
      const name = rawName.toLowerCase();
      if (!secretHeader(name)) return name === 'location' || name === 'content-location' || name === 'link' ? url(value) : text(value);
      if (name === 'authorization' || name === 'proxy-authorization') {
        const match = /^(\S+)\s+(.+)$/.exec(value.trim());
        const secret = match?.[2] ?? value.trim();
        if (secret.length >= 4) secrets.add(secret);
        return match === null ? `${REDACTED} ${fingerprint(secret)}` : `${match[1]} ${REDACTED} ${fingerprint(secret)}`;
      }
      if (value.length >= 4 && name !== 'cookie' && name !== 'set-cookie') secrets.add(value);
      return REDACTED;
    },
    url,
    json: (value) => json(value),
    text,
    get names() {
      return {
        headers: [...headerNames].sort(),
        query: [...queryNames].sort(),
        fields: [...URL_SECRET_FIELDS, ...fieldNames, `/${SECRET_FIELD_PATTERN.source}/i`].sort(),
      };
    },
  };
}
