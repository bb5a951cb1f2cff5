/**
 * API keys wherever they may turn up in text the mock writes down (a path, a query string, a
 * header some other API uses for keys, a webhook URL): `sk-aig-` and everything after it up to a
 * delimiter. Keys are case-sensitive (the spec's x-key-pattern), but a redaction that misses
 * `SK-AIG-` would be no redaction; the same goes for `sk%2Daig%2D...` or a doubly escaped key.
 */
const KEY_IN_URL = /sk-aig-[^\s&#"'<>]*/gi;
/** In a header value a key runs to the next whitespace: `;` and `,` may be part of it. */
const KEY_IN_HEADER = /sk-aig-[^\s"'<>]*/gi;
const MAYBE_KEY = /sk-aig-/i;
const ESCAPE = /%([0-9a-f]{2})/gi;
/** Characters a key's prefix is made of (and `%`, to see through double escapes). */
const SPELLED = /^[A-Za-z0-9\-._~%]$/;

/**
 * Undoes percent escapes of letters, digits, `-._~` and `%` (three rounds, for doubly escaped
 * text). Escapes of delimiters (`%26`, `%20`) stay escaped, so they never end a key early.
 */
function unescapeSpelling(text: string): string {
  let plain = text;
  for (let round = 0; round < 3 && plain.includes('%'); round++) {
    const next = plain.replace(ESCAPE, (escape, hex: string) => {
      const char = String.fromCharCode(parseInt(hex, 16));
      return SPELLED.test(char) ? char : escape;
    });
    if (next === plain) break;
    plain = next;
  }
  return plain;
}

/** What a key is replaced with. */
export const REDACTED_KEY = 'sk-aig-[redacted]';

function redactWith(pattern: RegExp, text: string): string {
  if (!MAYBE_KEY.test(text) && !text.includes('%')) return text;
  const plain = unescapeSpelling(text);
  // Text with no key is written as it came; text with one is written unescaped, with the key gone.
  return MAYBE_KEY.test(plain) ? plain.replace(pattern, REDACTED_KEY) : text;
}

/** A URL, a path or a query string with every API key replaced by `sk-aig-[redacted]`. */
export function redactKeys(text: string): string {
  return redactWith(KEY_IN_URL, text);
}

/** A header value with every API key replaced by `sk-aig-[redacted]` (a key there ends at whitespace). */
export function redactKeysInHeader(value: string): string {
  return redactWith(KEY_IN_HEADER, value);
}
