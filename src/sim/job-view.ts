import type { SchemaJob } from '../generated/api.js';
import type { Dialect } from '../contract/dialects.js';
import { speakJob } from './dialect-view.js';
import { phaseOf } from './lifecycle.js';
import { resolutionOf } from './resolution.js';
import type { JobRecord } from './store.js';
import { failureMessage } from './spec-values.js';

export const MEDIA_FILENAME = 'video.mp4';

export const mediaUrl = (origin: string, jobId: string): string =>
  `${origin}/v1/files/jobs/${encodeURIComponent(jobId)}/${MEDIA_FILENAME}`;

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** The job in the spec's own shape (the default dialect, `union`) at a time. */
export function unionJobView(job: JobRecord, nowMs: number, origin: string): SchemaJob {
  const phase = phaseOf(job, nowMs);
  const common = {
    model: job.model,
    created: seconds(job.createdMs),
    created_at: seconds(job.createdMs),
    updated_at: seconds(phase.updatedMs),
    modality: 'video' as const,
    progress: phase.progress,
  };
  switch (phase.status) {
    case 'queued':
      return { id: job.id, object: 'job', status: 'queued', ...common };
    case 'processing':
      return { id: job.id, object: 'job', status: 'processing', ...common };
    case 'completed': {
      const url = mediaUrl(origin, job.id);
      return {
        id: job.id,
        object: 'job',
        status: 'completed',
        ...common,
        result: { url, duration: job.duration, resolution: resolutionOf(job.aspectRatio, job.resolution) },
        result_url: url,
      };
    }
    case 'failed': {
      const code = job.failure ?? 'upstream_error';
      return { id: job.id, object: 'job', status: 'failed', ...common, error: { code, message: failureMessage(code) } };
    }
    case 'cancelled':
      return { id: job.id, object: 'job', status: 'cancelled', ...common };
  }
}

/** The job as `GET /v1/jobs/{id}` answers it at a time, in the dialect the mock speaks. */
export const jobView = (job: JobRecord, nowMs: number, origin: string, dialect: Dialect): Record<string, unknown> =>
  speakJob(unionJobView(job, nowMs, origin), dialect);
