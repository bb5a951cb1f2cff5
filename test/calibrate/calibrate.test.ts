import { describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { profileSimulation, spreadSigma, validateProfile, ProfileError, parseProfile } from '../../src/calibrate/gateway-profile.js';
import type { Measure } from '../../src/calibrate/measure-timings.js';
import { profileLines, withProfile } from '../../src/cli/serve-files.js';
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

  const measured = (m: Partial<Measure>): Measure => ({ median: 1450, mean: 1500, min: 900, max: 2600, stdev: 400, samples: 20, resolutionMs: 50, ...m });

  it('maps a measured spread onto a lognormal around the median whose mean and stdev are the measured ones', () => {
    const profile = calibrate(syntheticHar(namedDialects.union));
    profile.timings.queuedMs = measured({});
    profile.timings.processingMsPerVideoSecond = measured({ median: 700.4, mean: 720, stdev: 110, samples: 12, resolutionMs: 12.5 });
    const { options } = profileSimulation(profile);
    // sigma = sqrt(ln(1 + var / mean^2)), var = stdev^2 x n/(n-1) - resolution^2/3 (the polls' share).
    const queuedSigma = Math.sqrt(Math.log1p((400 ** 2 * 20) / 19 / 1500 ** 2 - 50 ** 2 / 3 / 1500 ** 2));
    expect(options.realtime).toEqual({
      queuedMs: { kind: 'lognormal', medianMs: 1450, sigma: Math.round(queuedSigma * 1000) / 1000 },
      processingMsPerSecond: { kind: 'lognormal', medianMs: 700, sigma: 0.158 },
    });
    expect(profileLines('p.json', profile).join('\n')).toContain(`queued lognormal:1450,${Math.round(queuedSigma * 1000) / 1000} ms, processing lognormal:700,0.158 ms per video second (spread between jobs as recorded)`);
    // A flag given as well replaces the profile's timing whole (a number: every job the same).
    expect(withProfile({ realtime: { queuedMs: 200 } }, profile).realtime).toEqual({ queuedMs: 200, processingMsPerSecond: { kind: 'lognormal', medianMs: 700, sigma: 0.158 } });
  });

  it.each([
    ['jobs that all took the same time', { stdev: 0 }],
    ['a single job', { samples: 1, stdev: 0 }],
    ['a spread no wider than the polls\' own uncertainty', { stdev: 20, resolutionMs: 50 }],
  ])('simulates no spread from %s', (_, m) => {
    expect(spreadSigma(measured(m))).toBe(0);
    const profile = calibrate(syntheticHar(namedDialects.union));
    profile.timings.queuedMs = measured(m);
    expect(profileSimulation(profile).options.realtime?.queuedMs).toBe(1450);
  });

  it('keeps the simulated spread within what the core takes, however wide the recorded one', () => {
    expect(spreadSigma(measured({ median: 10, mean: 1e6, stdev: 1e12 }))).toBe(4);
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
