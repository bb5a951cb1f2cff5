/**
 * An API key wherever it may turn up in text the mock writes down (a query string, a header some
 * other API uses for keys): `sk-aig-` and everything up to a delimiter. Keys are case-sensitive
 * (the spec's x-key-pattern), but a redaction that misses `SK-AIG-` would be no redaction.
 */
const KEY_IN_TEXT = /sk-aig-[^\s&#;,"'<>]*/gi;
const MAYBE_KEY = /sk-aig-/i;

/** The text with every API key replaced by `sk-aig-[redacted]`. */
export function redactKeys(text: string): string {
  return MAYBE_KEY.test(text) ? text.replace(KEY_IN_TEXT, 'sk-aig-[redacted]') : text;
}
