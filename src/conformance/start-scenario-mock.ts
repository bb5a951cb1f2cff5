import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { defaultDialect, type Dialect } from '../contract/dialects.js';
import { startNodeHttpMockServer, type MockServerOptions, type RunningMockServer } from '../../mocks/node-http.js';
import type { SchemaVideoGenerationRequest } from '../generated/api.js';
import type { Arrangement, Scenario } from './scenario.js';

/** The request every adapter sends (`AIGATEWAY_VIDEO_REQUEST`): a typical one, 4 s at $0.10 a second. */
export const conformanceVideoRequest: SchemaVideoGenerationRequest = {
  model: 'openai/sora-2-video-to-video-remix',
  prompt: 'A drone shot of a mountain lake at golden hour',
  duration: 4,
  aspect_ratio: '16:9',
};

/** A scenario's own mock, arranged and ready for the adapter. */
export interface ScenarioMock {
  server: RunningMockServer;
  /** The scenario's key, `sk-aig-conformance-<name>`: faults and the wallet are armed for it. */
  apiKey: string;
  /** Where `result.url` points: the API's origin, or another one (`mediaHost: "separate"`). */
  mediaOrigin: string;
  /** The adapter's inputs (docs/conformance.md, "The adapter contract"). */
  inputs: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The mock options of a scenario: its `mock` section on top of the kit's defaults. A run-wide choice
 * about the mock (a dialect, say) belongs here, so that it reaches every scenario the same way.
 */
export function scenarioMockOptions(scenario: Scenario, dialect: Dialect = defaultDialect): MockServerOptions {
  return { port: 0, host: '127.0.0.1', log: null, seed: 1, ...scenario.mock, dialect };
}

/** The media host of `mediaHost: "separate"`: the same server under another name, so another origin. */
const separateMediaOrigin = (port: number): string => `http://localhost:${port}`;

/** A port free on 127.0.0.1 a moment ago (the mock binds it next; a lost race is retried). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ready, fail) => {
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => ready());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

/**
 * `mediaHost: "separate"` serves `result.url` from `http://localhost:<port>` while the API is
 * `http://127.0.0.1:<port>`: one server, two origins, as the gateway's API and media hosts are. The
 * origin must be known before the mock starts, hence a port chosen first.
 */
async function listen(options: MockServerOptions, mediaHost: Scenario['mediaHost']): Promise<RunningMockServer> {
  if (mediaHost !== 'separate') return startNodeHttpMockServer(options);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await startNodeHttpMockServer({ ...options, port, publicBaseUrl: separateMediaOrigin(port) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}

async function arrange(origin: string, apiKey: string, step: Arrangement): Promise<void> {
  const [method, path, body] = 'fault' in step ? ['POST', '/__mock/faults', step.fault] : ['PUT', '/__mock/wallet', step.wallet];
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`the mock refused ${method} ${path} ${JSON.stringify(body)}: HTTP ${response.status} ${await response.text()}`);
  await response.body?.cancel();
}

/**
 * Starts the scenario's mock on an ephemeral loopback port, arranges it through the control API
 * with the scenario's key, and works out the adapter's inputs. Every scenario is set up here.
 */
export async function startScenarioMock(scenario: Scenario, dialect: Dialect = defaultDialect): Promise<ScenarioMock> {
  const apiKey = `sk-aig-conformance-${scenario.name}`;
  const server = await listen(scenarioMockOptions(scenario, dialect), scenario.mediaHost);
  try {
    for (const step of scenario.arrange ?? []) await arrange(server.origin, apiKey, step);
    const inputs: Record<string, string> = {
      AIGATEWAY_BASE_URL: server.url,
      AIGATEWAY_API_KEY: apiKey,
      AIGATEWAY_VIDEO_REQUEST: JSON.stringify(conformanceVideoRequest),
    };
    if (scenario.adapter?.jobId !== undefined) inputs['AIGATEWAY_JOB_ID'] = scenario.adapter.jobId;
    if (scenario.adapter?.waitTimeoutMs !== undefined) inputs['AIGATEWAY_WAIT_TIMEOUT_MS'] = String(scenario.adapter.waitTimeoutMs);
    const mediaOrigin = scenario.mediaHost === 'separate' ? separateMediaOrigin(server.port) : server.origin;
    return { server, apiKey, mediaOrigin, inputs, close: () => server.close() };
  } catch (error) {
    await server.close();
    throw error;
  }
}
