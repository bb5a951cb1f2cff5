import { documents, getAtPointer } from '../../src/contract/openapi-document.js';
import type {
  SchemaCompletedJob,
  SchemaFailedJob,
  SchemaJob,
  SchemaProcessingJob,
  SchemaQueuedJob,
  SchemaVideoGenerationRequest,
} from '../../src/generated/api.js';

// The spec's own examples, read from the document rather than copied.
const example = <T>(pointer: string): T => structuredClone(getAtPointer(documents.video, pointer)) as T;

export const queuedJob = example<SchemaQueuedJob>('#/components/examples/QueuedJob/value');
export const processingJob = example<SchemaProcessingJob>('#/components/examples/ProcessingJob/value');
export const completedJob = example<SchemaCompletedJob>('#/components/examples/CompletedJob/value');
export const failedJob = example<SchemaFailedJob>('#/components/examples/FailedJob/value');
export const videoRequest = example<SchemaVideoGenerationRequest>(
  '#/paths/~1v1~1videos~1generations/post/requestBody/content/application~1json/examples/modelPage/value',
);

export const processingAt = (progress: number): SchemaJob => ({ ...processingJob, progress });
