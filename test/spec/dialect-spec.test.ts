import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { choicePatch, specIn } from '../../src/contract/dialect-spec.js';
import { defaultDialect, dialectFrom, dialectPoints, namedDialects, parseDialect, type DialectChoices } from '../../src/contract/dialects.js';
import { getOperation, operationsIn } from '../../src/contract/openapi-document.js';
import { errorCatalogIn } from '../../src/contract/error-catalog.js';
import { validateResponse } from '../../src/contract/validate-response.js';
import { videoSpec } from '../../src/generated/spec.js';

const headers = { 'content-type': 'application/json', 'x-request-id': 'req_1' };
const job = { id: 'job_1', object: 'job', status: 'processing', model: 'openai/sora-2-video-to-video-remix', created: 1776947082, created_at: 1776947082, updated_at: 1776947082 };

describe("each dialect's document, derived from the spec by its choices' patches", () => {
  it('is the spec itself for the default dialect: none of its choices carries a patch', () => {
    for (const point of dialectPoints) expect(choicePatch(point.id, defaultDialect.choices[point.id]), point.id).toEqual([]);
    expect(specIn(defaultDialect)).toBe(videoSpec);
  });

  it('applies every choice of every point, alone and in every named dialect, without touching the spec', () => {
    const before = JSON.stringify(videoSpec);
    for (const point of dialectPoints) {
      for (const choice of point.choices) {
        const dialect = dialectFrom({ ...defaultDialect.choices, [point.id]: choice.id } as DialectChoices);
        expect(() => specIn(dialect), `${point.id}=${choice.id}`).not.toThrow();
      }
    }
    for (const dialect of Object.values(namedDialects)) expect(() => operationsIn(dialect)).not.toThrow();
    expect(JSON.stringify(videoSpec)).toBe(before);
  });

  it('has the cancel routes and the 304 its choices say', () => {
    const ids = (name: string) => operationsIn(parseDialect(name)).filter((o) => o.document === 'video').map((o) => o.operationId);
    expect(ids('union')).toEqual(expect.arrayContaining(['deleteJob', 'cancelJob']));
    expect(ids('model-page')).not.toEqual(expect.arrayContaining(['deleteJob']));
    expect(ids('node-sdk')).toContain('deleteJob');
    expect(ids('node-sdk')).not.toContain('cancelJob');
    expect(ids('docs')).toContain('cancelJob');
    expect(getOperation('getJob', namedDialects.docs).responses.map((r) => r.status)).toContain('304');
    expect(getOperation('getJob', namedDialects.union).responses.map((r) => r.status)).not.toContain('304');
  });

  it("types the docs pages' 401 and 429 as they do, in the dialect's error catalog", () => {
    expect(errorCatalogIn(namedDialects.docs).get(401)?.type).toBe('invalid_key');
    expect(errorCatalogIn(namedDialects.docs).get(429)?.type).toBe('rate_limited');
    expect(errorCatalogIn(namedDialects.union).get(429)?.type).toBe('rate_limit_error');
  });

  it('judges an answer against the dialect it is meant to be in, naming the field a dialect lacks', () => {
    expect(validateResponse('getJob', 200, headers, job)).toEqual([]);
    expect(validateResponse('getJob', 200, headers, job, namedDialects.docs)).toEqual([
      expect.objectContaining({ param: 'status', message: 'has an unknown value "processing"' }),
    ]);
    const { created: _c, ...sdkJob } = job;
    expect(validateResponse('getJob', 200, headers, sdkJob, namedDialects['node-sdk'])).toEqual([]);
    expect(validateResponse('getJob', 200, headers, job, namedDialects['node-sdk'])).toEqual([
      expect.objectContaining({ param: 'created', message: 'must be absent (the dialect has no such field)' }),
    ]);
    expect(validateResponse('deleteJob', 200, headers, job, namedDialects.docs)[0]?.message).toBe('deleteJob is not an operation of the dialect docs');
  });
});

describe('docs/dialects.md', () => {
  const page = readFileSync(new URL('../../docs/dialects.md', import.meta.url), 'utf8');

  it('lists every point with every choice the spec gives it', () => {
    for (const point of dialectPoints) {
      const row = page.split('\n').find((line) => line.startsWith(`| \`${point.id}\` |`));
      expect(row, point.id).toBeDefined();
      for (const choice of point.choices) expect(row, `${point.id}=${choice.id}`).toContain(`\`${choice.id}\``);
    }
  });

  it("gives each named dialect's choices as the spec makes them", () => {
    for (const dialect of Object.values(namedDialects)) {
      const row = page.split('\n').find((line) => line.startsWith(`| \`${dialect.name}\``));
      expect(row, dialect.name).toBeDefined();
      const cells = (row ?? '').split('|').slice(2, -1).map((c) => c.trim());
      expect(cells).toEqual(dialectPoints.map((p) => dialect.choices[p.id]));
    }
  });
});
