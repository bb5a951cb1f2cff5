export interface JobResult {
  url: string;
  duration: number;
  resolution: string;
}

/**
 * Creates a job over HTTP and polls it until it completes (a mock started with `timing: 'steps'`
 * gets there in a few polls); answers its `result`.
 */
export async function completedJob(baseUrl: string, apiKey: string, request: Record<string, unknown>): Promise<JobResult> {
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const created = await fetch(`${baseUrl}/videos/generations`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a lake', ...request }),
  });
  let job = (await created.json()) as { id: string; status: string; result?: JobResult };
  for (let polls = 0; job.status !== 'completed' && polls < 10; polls++) {
    job = (await (await fetch(`${baseUrl}/jobs/${job.id}`, { headers })).json()) as typeof job;
  }
  if (job.result === undefined) throw new Error(`job ${job.id} ended ${job.status}`);
  return job.result;
}
