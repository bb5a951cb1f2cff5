/** Anything that looks like an AIgateway key (`sk-aig-...`): reports show its first characters only. */
const KEY_PATTERN = /sk-aig-[A-Za-z0-9._~+/=-]+/g;

/** Hides API keys in text: every `secret` given, and anything shaped like an `sk-aig-` key. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('sk-aig-***');
  }
  return out.replace(KEY_PATTERN, 'sk-aig-***');
}

/** An Authorization header as reports may show it. */
export const redactAuthorization = (value: string): string => redact(value).replace(/^(Bearer\s+)(?!sk-aig-\*\*\*)\S+/i, '$1***');
