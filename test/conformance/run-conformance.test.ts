import { describe, expect, it } from 'vitest';
import { parseOutcome } from '../../src/conformance/outcome.js';
import { runConformance } from '../../src/conformance/run-conformance.js';
import type { Scenario } from '../../src/conformance/scenario.js';

const node = `'${process.execPath}'`;

const scenario = (rules: Scenario['rules'], extra: Partial<Scenario> = {}): Scenario => ({
  name: 'custom',
  title: 'a custom scenario',
  description: 'Written in the test.',
  rules,
  ...extra,
});

describe('reading an adapter outcome', () => {
  it('takes the last non-empty stdout line, ignoring what the adapter logged before it', () => {
    expect(parseOutcome('starting\n{"ok":false}\n{"ok":true,"job":null}\n\n')).toEqual({ outcome: { ok: true, job: null }, problem: null });
  });

  it('explains why there is no outcome: nothing printed, not JSON, or no boolean ok', () => {
    expect(parseOutcome('').problem).toBe('the adapter printed nothing on stdout');
    expect(parseOutcome('Error: boom\n').problem).toBe('the last stdout line is not JSON: "Error: boom"');
    expect(parseOutcome('{"status":"completed"}').problem).toContain("not an outcome object with a boolean 'ok'");
  });
});

describe('running scenarios', () => {
  it('stops an adapter that hangs at the scenario timeout and judges it as not finished', async () => {
    const report = await runConformance({
      adapter: `${node} -e 'setInterval(() => {}, 1000)'`,
      scenarios: [scenario([{ rule: 'finishes', says: 'it finishes', checks: [{ finished: true }] }], { timeoutMs: 1000 })],
    });
    const [result] = report.scenarios;
    expect(result?.run?.timedOut).toBe(true);
    expect(result?.passed).toBe(false);
    expect(result?.rules[0]?.checks[0]?.detail).toMatch(/^the adapter was stopped after \d+ ms \(the scenario's timeout\)$/);
  });

  it('hands the adapter its inputs in the environment, and only loopback URLs', async () => {
    const echo = `${node} -e 'const e = process.env; console.log(JSON.stringify({ ok: true, inputs: [e.AIGATEWAY_BASE_URL, e.AIGATEWAY_API_KEY, JSON.parse(e.AIGATEWAY_VIDEO_REQUEST).model, e.AIGATEWAY_JOB_ID, e.AIGATEWAY_WAIT_TIMEOUT_MS] }))'`;
    const report = await runConformance({
      adapter: echo,
      scenarios: [scenario([{ rule: 'outcome', says: 'printed', checks: [{ outcome: { ok: true } }] }], { adapter: { jobId: 'job_x', waitTimeoutMs: 1234 } })],
      env: { ...process.env, AIGATEWAY_API_KEY: 'sk-aig-from-the-outer-environment' },
    });
    const inputs = report.scenarios[0]?.outcome?.['inputs'] as string[];
    expect(inputs[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(inputs.slice(1)).toEqual(['sk-aig-conformance-custom', 'openai/sora-2-video-to-video-remix', 'job_x', '1234']);
    expect(report.passed).toBe(1);
  });

  it('arms the scenario faults through the control API before the adapter runs', async () => {
    const poll = `${node} -e 'fetch(process.env.AIGATEWAY_BASE_URL + "/jobs/job_x", { headers: { authorization: "Bearer " + process.env.AIGATEWAY_API_KEY } }).then((r) => console.log(JSON.stringify({ ok: false, status: r.status })))'`;
    const report = await runConformance({
      adapter: poll,
      scenarios: [
        scenario([{ rule: 'sees-the-fault', says: 'the armed 503 answers', checks: [{ count: { operation: 'getJob', status: 503, fault: 'armed' }, min: 1, max: 1 }, { outcome: { status: 503 } }] }], {
          arrange: [{ fault: { operation: 'getJob', status: 503, count: 1, retry_after: 1 } }],
        }),
      ],
    });
    expect(report.scenarios[0]?.rules[0]?.checks.map((c) => c.ok)).toEqual([true, true]);
  });

  it('runs a scenario as many times as asked, each against a fresh mock, and tallies the runs', async () => {
    // Each run creates a job; a mock shared between runs would hand out a different id the second time.
    const create = `${node} -e 'fetch(process.env.AIGATEWAY_BASE_URL + "/videos/generations", { method: "POST", headers: { authorization: "Bearer " + process.env.AIGATEWAY_API_KEY, "content-type": "application/json" }, body: process.env.AIGATEWAY_VIDEO_REQUEST }).then((r) => r.json()).then((job) => console.log(JSON.stringify({ ok: true, job })))'`;
    const seen: string[] = [];
    const report = await runConformance({
      adapter: create,
      repeat: 3,
      concurrency: 3,
      scenarios: [scenario([{ rule: 'creates', says: 'one create', checks: [{ count: { operation: 'createVideo', status: 202 }, min: 1, max: 1 }] }])],
      onScenario: (result) => seen.push(result.name),
    });
    expect(report.repeat).toBe(3);
    expect(seen).toEqual(['custom']);
    const [result] = report.scenarios;
    expect(result?.repeats).toMatchObject({ runs: 3, failedRuns: 0, flaky: [] });
    expect(result?.passed).toBe(true);
  });

  it('serves result.url from another origin than the API when the scenario asks for a separate media host', async () => {
    const url = `${node} --input-type=module -e '
      const e = process.env;
      const h = { authorization: "Bearer " + e.AIGATEWAY_API_KEY, "content-type": "application/json" };
      const queued = await (await fetch(e.AIGATEWAY_BASE_URL + "/videos/generations", { method: "POST", headers: h, body: e.AIGATEWAY_VIDEO_REQUEST })).json();
      await new Promise((ok) => setTimeout(ok, 20));
      const job = await (await fetch(e.AIGATEWAY_BASE_URL + "/jobs/" + queued.id, { headers: h })).json();
      const media = await fetch(job.result.url);
      console.log(JSON.stringify({ ok: media.ok, api: e.AIGATEWAY_BASE_URL, media: job.result.url }));'`;
    const report = await runConformance({
      adapter: url,
      scenarios: [
        scenario([{ rule: 'downloads', says: 'from the media host', checks: [{ count: { operation: 'downloadJobMedia', status: 200, credentials: false }, min: 1, max: 1 }] }], {
          mediaHost: 'separate',
          mock: { timing: 'realtime', realtime: { queuedMs: 1, processingMsPerSecond: 0 } },
        }),
      ],
    });
    const [result] = report.scenarios;
    const { api, media } = result?.outcome as unknown as { api: string; media: string };
    const port = /^http:\/\/127\.0\.0\.1:(\d+)\/v1$/.exec(api)?.[1];
    expect(port).toBeDefined();
    expect(media).toMatch(new RegExp(`^http://localhost:${port}/v1/files/jobs/job_\\w+/video\\.mp4$`));
    expect(result?.passed, JSON.stringify(result?.rules)).toBe(true);
  });

  it('reports a scenario the mock cannot arrange as a runner error, not a crash', async () => {
    const report = await runConformance({
      adapter: `${node} -e 'console.log("{\\"ok\\":true}")'`,
      scenarios: [scenario([{ rule: 'r', says: 's', checks: [{ finished: true }] }], { arrange: [{ fault: { operation: 'getJob', status: 418, count: 1 } }] })],
    });
    expect(report.failed).toBe(1);
    expect(report.scenarios[0]?.error).toMatch(/^the mock refused POST \/__mock\/faults .* HTTP 400/);
  });
});
