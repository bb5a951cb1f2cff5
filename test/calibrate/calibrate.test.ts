import { describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { profileSimulation, validateProfile, ProfileError, parseProfile } from '../../src/calibrate/gateway-profile.js';
import { dialectNames, namedDialects, parseDialect } from '../../src/contract/dialects.js';
import { syntheticHar } from '../support/synthetic-har.js';

describe('calibrate', () => {
  it.each(dialectNames)('recovers every point of the %s dialect from a recording of it, each with its evidence', (name) => {
    const har = syntheticHar(namedDialects[name]);
    const profile = calibrate(har);
    expect(profile.dialect.name).toBe(name);
    expect(profile.dialect.choices).toEqual(namedDialects[name].choices);
    for (const point of profile.dialect.points) {
      expect(point.observed, point.point).toBe(true);
      expect(point.evidence.length).toBeGreaterThan(0);
      for (const evidence of point.evidence) {
        const entry = har.log.entries[evidence.entry];
        expect(evidence.request).toContain(`${entry?.request.method} ${new URL(entry?.request.url ?? '').pathname}`);
      }
    }
  });

  it('names a mixed gateway after the closest named dialect, with the points where it differs', () => {
    const dialect = parseDialect('docs,fast-poll=none,error-types=model-page');
    expect(calibrate(syntheticHar(dialect)).dialect.name).toBe('docs,error-types=model-page,fast-poll=none');
  });

  it('fills a point nothing showed with the closest dialect\'s choice, and says it was not observed', () => {
    const profile = calibrate(syntheticHar(namedDialects.docs, { cancel: false, cancelledJob: false }));
    expect(profile.dialect.name).toBe('docs');
    const cancel = profile.dialect.points.find((p) => p.point === 'cancel');
    expect(cancel).toMatchObject({ choice: 'post', observed: false, evidence: [], note: "docs's choice" });
  });

  it('measures queued time and processing per video second from the polls around each change of status', () => {
    const profile = calibrate(syntheticHar(namedDialects['model-page']));
    // Polls every second: queued until 2 s (seen at 1 s, processing at 2 s), done at 4 s for 2 video seconds.
    expect(profile.timings.queuedMs).toMatchObject({ median: 1500, samples: 1, resolutionMs: 500 });
    expect(profile.timings.processingMsPerVideoSecond).toMatchObject({ median: 1000, samples: 1 });
    expect(profile.timings.rateLimit).toEqual({ limitRequests: 600, headers: [expect.objectContaining({ name: 'retry-after' }), { name: 'x-ratelimit-limit-requests', values: ['600'], entries: expect.any(Number) }] });
  });

  it('writes a profile that validates against its schema, and maps it onto the simulation', () => {
    const profile = calibrate(syntheticHar(namedDialects.union));
    expect(validateProfile(JSON.parse(JSON.stringify(profile)))).toEqual(profile);
    const { options, dialect } = profileSimulation(profile);
    expect(options).toEqual({ timing: 'realtime', realtime: { queuedMs: 1500, processingMsPerSecond: 1000 }, rpm: 600, dialect: namedDialects.union });
    expect(dialect.name).toBe('union');
  });

  it.each([
    [(p: any) => delete p.timings, 'timings is required'],
    [(p: any) => (p.version = 2), 'version must be equal to constant'],
    [(p: any) => (p.dialect.choices['fast-poll'] = '200'), "dialect.choices.fast-poll '200' is not a choice of fast-poll; choices: 304, none"],
    [(p: any) => (p.dialect.name = 'klingon'), "dialect.name: 'klingon' is not a dialect"],
    [(p: any) => (p.timings.queuedMs.median = -1), 'timings.queuedMs'],
  ])('refuses a bad profile, naming the field (%#)', (spoil, message) => {
    const profile = JSON.parse(JSON.stringify(calibrate(syntheticHar(namedDialects.union))));
    spoil(profile);
    expect(() => parseProfile(JSON.stringify(profile), 'p.json')).toThrow(ProfileError);
    expect(() => parseProfile(JSON.stringify(profile), 'p.json')).toThrow(message);
  });
});
