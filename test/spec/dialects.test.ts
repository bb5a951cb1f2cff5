import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  defaultDialect,
  dialectFrom,
  dialectNames,
  dialectPoints,
  namedDialects,
  parseDialect,
  type DialectChoices,
} from '../../src/contract/dialects.js';

describe('dialects, as the spec defines them', () => {
  it('has the eight points of disagreement, each with at least two choices', () => {
    expect(dialectPoints.map((p) => p.id)).toEqual([
      'create-status',
      'time-fields',
      'result-location',
      'statuses',
      'error-types',
      'cancel',
      'fast-poll',
      'failed-error',
    ]);
    for (const point of dialectPoints) expect(point.choices.length).toBeGreaterThanOrEqual(2);
  });

  it('names the five dialects, union by default, each making a valid choice at every point', () => {
    expect(dialectNames).toEqual(['union', 'model-page', 'node-sdk', 'docs', 'published-spec']);
    expect(defaultDialect.name).toBe('union');
    for (const dialect of Object.values(namedDialects)) {
      for (const point of dialectPoints) expect(point.choices.map((c) => c.id)).toContain(dialect.choices[point.id]);
    }
  });

  it('reads a named dialect, then point overrides', () => {
    expect(parseDialect('docs')).toEqual(namedDialects.docs);
    const d = parseDialect('docs, fast-poll=none');
    expect(d.name).toBe('docs,fast-poll=none');
    expect(d.choices).toEqual({ ...namedDialects.docs.choices, 'fast-poll': 'none' });
    expect(parseDialect('cancel=post').choices).toEqual({ ...defaultDialect.choices, cancel: 'post' });
  });

  it.each([
    ['', /empty/],
    ['klingon', /'klingon' is not a dialect; named dialects: union, model-page/],
    ['fast-poll=none,docs', /named dialect comes first/],
    ['docs,speed=fast', /'speed' is not a dialect point; points: create-status/],
    ['docs,fast-poll=sometimes', /'sometimes' is not a choice of fast-poll; choices: 304, none/],
    ['docs,cancel=post,cancel=delete', /cancel is set twice/],
  ])('refuses %j, saying why', (text, message) => {
    expect(() => parseDialect(text)).toThrow(message);
  });

  const choicesArb = fc.record(
    Object.fromEntries(dialectPoints.map((p) => [p.id, fc.constantFrom(...p.choices.map((c) => c.id))])),
  ) as fc.Arbitrary<DialectChoices>;

  test.prop([choicesArb])('names any set of choices so that reading the name gives the same choices', (choices) => {
    const dialect = dialectFrom(choices);
    expect(parseDialect(dialect.name).choices).toEqual(choices);
  });

  it('names a named dialect by its bare name', () => {
    for (const name of dialectNames) expect(dialectFrom(namedDialects[name].choices).name).toBe(name);
  });
});
