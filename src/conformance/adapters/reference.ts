// The conformance adapter of our own client (src/client): create, wait, download, one outcome line.
// Run it with `aigw-video conformance --adapter reference`. It sets nothing but what a user would:
// the base URL, the key, and the overall wait the scenario states.
import {
  ApiError,
  ConnectionError,
  createClient,
  JobFailedError,
  MalformedResponseError,
  WaitTimeoutError,
} from '../../client/index.js';
import type { Outcome, OutcomeError } from '../outcome.js';
import { describeVideo, otherError, printOutcome, readInputs } from './adapter-io.js';

function outcomeError(error: unknown): OutcomeError {
  if (error instanceof JobFailedError) return { kind: 'job_failed', code: error.code, message: error.message };
  if (error instanceof WaitTimeoutError) return { kind: 'timeout', message: error.message };
  if (error instanceof ApiError) return { kind: 'api_error', status: error.status, type: error.type, code: error.code, message: error.message };
  if (error instanceof MalformedResponseError) return { kind: 'malformed_response', status: error.status, message: error.message };
  if (error instanceof ConnectionError) return { kind: 'connection', message: error.message };
  return otherError(error);
}

async function runReferenceAdapter(): Promise<Outcome> {
  const inputs = readInputs();
  const client = createClient({ baseURL: inputs.baseURL, apiKey: inputs.apiKey });
  let job: Outcome['job'] = null;
  try {
    let id = inputs.jobId;
    if (id === null) {
      const created = await client.create(inputs.request);
      id = created.id;
      job = { id, status: created.status };
    }
    const done = await client.waitForCompletion(id, {
      ...(inputs.waitTimeoutMs === null ? {} : { timeoutMs: inputs.waitTimeoutMs }),
      onProgress: (seen) => {
        job = { id: seen.id, status: seen.status };
      },
    });
    job = { id: done.id, status: done.status };
    const download = await client.download(done);
    return { ok: true, job, video: describeVideo(download.bytes) };
  } catch (error) {
    if (error instanceof JobFailedError) job = { id: error.job.id, status: error.job.status };
    return { ok: false, job, error: outcomeError(error) };
  }
}

printOutcome(await runReferenceAdapter());
