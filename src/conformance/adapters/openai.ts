// The conformance adapter of the official `openai` npm SDK, pointed at the gateway the way a user
// would: its generic `post`/`get` with the gateway's base URL, the SDK's retry policy left at its
// documented default (`maxRetries: 2`). The SDK knows nothing of jobs, so the waiting is user code:
// poll every 2 s (the gateway SDK's first interval) until the job ends or the stated timeout passes.
import OpenAI from 'openai';
import type { SchemaJob, SchemaQueuedJob } from '../../generated/api.js';
import type { Outcome, OutcomeError } from '../outcome.js';
import { describeVideo, otherError, printOutcome, readInputs } from './adapter-io.js';

const POLL_INTERVAL_MS = 2000;

class WaitTimeout extends Error {}

function outcomeError(error: unknown): OutcomeError {
  if (error instanceof WaitTimeout) return { kind: 'timeout', message: error.message };
  if (error instanceof OpenAI.APIConnectionError) return { kind: 'connection', message: error.message };
  if (error instanceof OpenAI.APIError) {
    return { kind: 'api_error', status: error.status ?? null, type: error.type ?? null, code: error.code ?? null, message: error.message };
  }
  // The SDK retries until the headers arrive; a body cut off after them surfaces from undici as a
  // bare `TypeError: terminated` while the SDK reads it.
  if (error instanceof TypeError && error.message === 'terminated') return { kind: 'connection', message: `the response body was cut off: ${error.message}` };
  // The SDK parses a JSON content type with response.json(): a broken body surfaces as a SyntaxError.
  if (error instanceof SyntaxError) return { kind: 'malformed_response', message: `the response body is not JSON: ${error.message}` };
  return otherError(error);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function runOpenaiAdapter(): Promise<Outcome> {
  const inputs = readInputs();
  const client = new OpenAI({ apiKey: inputs.apiKey, baseURL: inputs.baseURL, maxRetries: 2 });
  let job: Outcome['job'] = null;
  try {
    let id = inputs.jobId;
    if (id === null) {
      const created = await client.post<SchemaQueuedJob>('/videos/generations', { body: inputs.request });
      id = created.id;
      job = { id, status: created.status };
    }
    const deadline = Date.now() + (inputs.waitTimeoutMs ?? 600_000);
    let seen: SchemaJob = await client.get<SchemaJob>(`/jobs/${encodeURIComponent(id)}`);
    job = { id, status: seen.status };
    while (seen.status !== 'completed') {
      if (seen.status === 'failed') {
        return { ok: false, job, error: { kind: 'job_failed', code: seen.error.code, message: seen.error.message } };
      }
      if (Date.now() + POLL_INTERVAL_MS > deadline) {
        throw new WaitTimeout(`job ${id} did not finish within ${inputs.waitTimeoutMs ?? 600_000} ms (last seen ${seen.status})`);
      }
      await sleep(POLL_INTERVAL_MS);
      seen = await client.get<SchemaJob>(`/jobs/${encodeURIComponent(id)}`);
      job = { id, status: seen.status };
    }
    // An absolute URL is used as is; `__binaryResponse` (the option client.videos.downloadContent
    // uses) hands back the Response, where the default would decode the MP4 as text.
    const response = await client.get<Response>(seen.result.url, { __binaryResponse: true });
    return { ok: true, job, video: describeVideo(new Uint8Array(await response.arrayBuffer())) };
  } catch (error) {
    return { ok: false, job, error: outcomeError(error) };
  }
}

printOutcome(await runOpenaiAdapter());
