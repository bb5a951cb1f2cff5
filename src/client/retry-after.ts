// How long a server asks us to wait, from `Retry-After` (RFC 9110 §10.2.3: `HTTP-date / delay-seconds`,
// where delay-seconds is `1*DIGIT`) or the non-standard `retry-after-ms` (milliseconds, sent by
// OpenAI-style gateways; it wins because it is the more precise of the two).

const day = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const longDay = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const month = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const time = '\\d{2}:\\d{2}:\\d{2}';
// RFC 9110 §5.6.7: recipients must accept IMF-fixdate and the two obsolete forms (rfc850, asctime).
// Date.parse reads all three but also accepts almost anything ("soon 3" is a date to V8), hence the shapes.
const httpDate = new RegExp(
  `^(?:${day}, \\d{2} ${month} \\d{4} ${time} GMT` +
    `|${longDay}, \\d{2}-${month}-\\d{2} ${time} GMT` +
    `|${day} ${month} (?:\\d{2}| \\d) ${time} \\d{4})$`,
);

/** The header lookup this needs; a `Headers` object is one. */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * The wait the response asks for, in milliseconds (0 for a date in the past), or `undefined` when it
 * asks for none or the value cannot be read.
 */
export function parseRetryAfter(headers: HeaderReader, nowMs: number): number | undefined {
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms !== undefined && /^\d+(?:\.\d+)?$/.test(ms)) return Number(ms);
  const value = headers.get('retry-after')?.trim();
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!httpDate.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
