import { describe, expect, it } from 'vitest';
import { documents, getAtPointer, operations, type JsonObject } from '../../src/contract/openapi-document.js';

const SOURCES = ['model-page', 'gateway-openapi', 'gateway-node-sdk', 'gateway-docs', 'toolkit'];
const spec = documents.video;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Pointers of every node that must say where it comes from, and lacks a known x-source. */
function unsourced(): string[] {
  const missing: string[] = [];
  const need = (node: unknown, where: string): void => {
    if (!isObject(node) || '$ref' in node) return;
    if (!SOURCES.includes(String(node['x-source']))) missing.push(where);
  };
  for (const op of operations.filter((o) => o.document === 'video')) {
    const at = `#/paths/${op.pathTemplate.replace(/\//g, '~1')}/${op.method}`;
    need(getAtPointer(spec, at), `${op.operationId}`);
    const responses = getAtPointer(spec, `${at}/responses`) as JsonObject;
    for (const [status, response] of Object.entries(responses)) need(response, `${op.operationId} ${status}`);
    const params = (getAtPointer(spec, `${at}/parameters`) ?? []) as unknown[];
    params.forEach((p, i) => need(p, `${op.operationId} parameter ${i}`));
  }
  const components = spec['components'] as JsonObject;
  for (const kind of ['responses', 'parameters', 'headers', 'schemas', 'securitySchemes']) {
    for (const [name, node] of Object.entries(components[kind] as JsonObject)) {
      need(node, `${kind}/${name}`);
      const properties = isObject(node) ? node['properties'] : undefined;
      // Fields: the properties of each top-level schema (narrowing schemas aside).
      if (kind === 'schemas' && isObject(properties) && !('allOf' in (node as JsonObject) && !('required' in (node as JsonObject)))) {
        for (const [field, schema] of Object.entries(properties)) {
          if (isObject(schema) && ('const' in schema) && Object.keys(schema).length <= 2) continue;
          need(schema, `schemas/${name}.${field}`);
        }
      }
    }
  }
  return missing;
}

describe('the spec', () => {
  it('names the source of every operation, response, parameter, header, schema and field', () => {
    expect(unsourced()).toEqual([]);
  });

  it('follows the model page on every point the sources disagree about, and records the alternative', () => {
    const alternatives = (pointer: string) => getAtPointer(spec, `${pointer}/x-alternatives`);
    expect(alternatives('#/components/schemas/JobStatus')).toHaveProperty('gateway-docs');
    expect(alternatives('#/components/schemas/JobResult')).toHaveProperty('gateway-node-sdk', 'result_url');
    expect(alternatives('#/components/schemas/RateLimitError')).toHaveProperty('gateway-docs', 'rate_limited');
    expect(alternatives('#/components/schemas/AuthenticationError')).toHaveProperty('gateway-docs', 'invalid_key');
  });
});
