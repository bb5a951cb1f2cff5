import type { VideoOperationId } from '../generated/operations.js';
import { cancelJob } from './operations/cancel-job.js';
import { createVideo } from './operations/create-video.js';
import { downloadJobMedia } from './operations/download-job-media.js';
import { getJob } from './operations/get-job.js';
import { listModels } from './operations/list-models.js';
import type { OperationHandler } from './operations/operation-handler.js';

/** The API's operations by the spec's operationIds: one missing is a compile error. */
export const videoOperations: { readonly [Id in VideoOperationId]: OperationHandler } = {
  createVideo,
  getJob,
  // Both cancel routes cancel alike; the router serves only those the dialect has.
  deleteJob: cancelJob,
  cancelJob,
  listModels,
  downloadJobMedia,
};
