// `aigw-video-kit/record`: recording a gateway (Node): the proxy, the recording fetch, and reading files.
export { startRecordingProxy, type RecordingProxyOptions, type RunningRecordingProxy } from './recording-proxy.js';
export { createRecorder, DEFAULT_MAX_MEDIA_BYTES, type Recorder, type RecorderOptions, type RecordingStats } from './create-recorder.js';
export { createRedactor, REDACTED, type Redactor, type RedactionOptions } from './redactor.js';
export { readHarFile } from '../har/read-har-file.js';
export { readProfileFile } from '../calibrate/read-profile-file.js';
