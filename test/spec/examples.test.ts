import { describe, expect, it } from 'vitest';
import { operations } from '../../src/contract/openapi-document.js';
import { documents, getAtPointer, resolve, type JsonObject } from '../../src/contract/openapi-document.js';
import { schemaValidator } from '../../src/contract/schema-validator.js';

interface NamedExample {
  label: string;
  document: 'video' | 'admin';
  schemaPointer: string;
  value: unknown;
}

function examplesOf(document: 'video' | 'admin', mediaPointer: string, label: string): NamedExample[] {
  const doc = documents[document];
  const media = getAtPointer(doc, mediaPointer) as JsonObject;
  const examples = (media['examples'] ?? {}) as Record<string, unknown>;
  return Object.keys(examples).map((name) => ({
    label: `${label} example '${name}'`,
    document,
    schemaPointer: `${mediaPointer}/schema`,
    value: resolve(doc, `${mediaPointer}/examples/${name}`).node['value'],
  }));
}

const all: NamedExample[] = [];
const missing: string[] = [];
for (const op of operations) {
  const media: Array<[string, string]> = [];
  if (op.requestBody !== null) {
    for (const [type, pointer] of Object.entries(op.requestBody.content)) {
      media.push([pointer.replace(/\/schema$/, ''), `${op.operationId} request ${type}`]);
    }
  }
  for (const response of op.responses) {
    for (const [type, pointer] of Object.entries(response.content)) {
      media.push([pointer.replace(/\/schema$/, ''), `${op.operationId} ${response.status} ${type}`]);
    }
  }
  for (const [pointer, label] of media) {
    const found = examplesOf(op.document, pointer, label);
    if (found.length === 0) missing.push(label);
    all.push(...found);
  }
}

// Webhooks are operations the gateway sends, not serves: their request bodies carry examples too.
const webhooks = (documents.video['webhooks'] ?? {}) as Record<string, JsonObject>;
for (const [name, item] of Object.entries(webhooks)) {
  for (const method of Object.keys(item)) {
    const pointer = `#/webhooks/${name}/${method}/requestBody/content/application~1json`;
    const found = examplesOf('video', pointer, `webhook ${name}`);
    if (found.length === 0) missing.push(`webhook ${name}`);
    all.push(...found);
  }
}

describe('the examples in the OpenAPI documents', () => {
  it('name at least one example for every request body and every response body', () => {
    expect(missing).toEqual([]);
    expect(all.length).toBeGreaterThan(30);
  });

  it.each(all.filter((e) => typeof e.value !== 'string' || !e.schemaPointer.includes('video~1mp4')))(
    '$label validates against its schema',
    ({ document, schemaPointer, value }) => {
      const validate = schemaValidator(document, schemaPointer);
      const ok = validate(value);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    },
  );
});
