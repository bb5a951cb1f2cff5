import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { harSchema } from '../generated/schemas.js';
import type { Har } from './har-types.js';

/** A HAR that cannot be used: the message names the field (`log.entries[3].response.status`) and why. */
export class HarError extends Error {
  override name = 'HarError';
  constructor(
    message: string,
    /** The offending field as a path (`log.entries[3].response.status`), or '' for the whole file. */
    readonly field: string,
  ) {
    super(message);
  }
}

const ajv = new Ajv2020({ strict: true, allErrors: false, allowUnionTypes: true });
const validate = ajv.compile<Har>(harSchema);

/** `/log/entries/3/response` -> `log.entries[3].response`. */
export function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path === '' ? segment : `${path}.${segment}`), '');
}

function describe(error: ErrorObject): { field: string; message: string } {
  const at = fieldPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    const field = at === '' ? String(params['missingProperty']) : `${at}.${String(params['missingProperty'])}`;
    return { field, message: 'is required' };
  }
  if (error.keyword === 'additionalProperties') {
    const field = at === '' ? String(params['additionalProperty']) : `${at}.${String(params['additionalProperty'])}`;
    return { field, message: 'is not a HAR 1.2 field (custom fields start with "_")' };
  }
  return { field: at, message: error.message ?? 'is invalid' };
}

/** Checks a value against HAR 1.2 (fixtures/har/har-1.2.schema.json) and what replay needs; throws a HarError naming the field. */
export function validateHar(value: unknown, source = 'the HAR'): Har {
  if (!validate(value)) {
    const first = validate.errors?.[0];
    const { field, message } = first === undefined ? { field: '', message: 'is not a HAR' } : describe(first);
    throw new HarError(`${source}: ${field === '' ? '(the file)' : field} ${message} (HAR 1.2).`, field);
  }
  value.log.entries.forEach((entry, index) => {
    const at = `log.entries[${index}]`;
    try {
      const url = new URL(entry.request.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    } catch {
      throw new HarError(`${source}: ${at}.request.url ${JSON.stringify(entry.request.url)} is not an absolute http(s) URL.`, `${at}.request.url`);
    }
    if (Number.isNaN(Date.parse(entry.startedDateTime))) {
      throw new HarError(`${source}: ${at}.startedDateTime ${JSON.stringify(entry.startedDateTime)} is not a date.`, `${at}.startedDateTime`);
    }
    const { content } = entry.response;
    if (content.encoding !== undefined && content.encoding !== 'base64') {
      throw new HarError(`${source}: ${at}.response.content.encoding '${content.encoding}' is not supported (base64 or none).`, `${at}.response.content.encoding`);
    }
    if (content.encoding === 'base64' && content.text !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(content.text.replace(/\s+/g, ''))) {
      throw new HarError(`${source}: ${at}.response.content.text is not base64, as its encoding says.`, `${at}.response.content.text`);
    }
  });
  return value;
}

/** Parses and validates the text of a HAR file. */
export function parseHar(text: string, source = 'the HAR'): Har {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HarError(`${source}: not JSON (${(error as Error).message}).`, '');
  }
  return validateHar(value, source);
}
