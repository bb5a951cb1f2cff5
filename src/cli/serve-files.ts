import type { MockServerOptions } from '../../mocks/node-http.js';
import { profileSimulation, type GatewayProfile } from '../calibrate/gateway-profile.js';
import { readProfileFile } from '../calibrate/read-profile-file.js';
import { ModelCatalogError, parseModelCatalog, type ModelCatalogInput } from '../contract/model-catalog.js';
import { readFile } from 'node:fs/promises';
import { readHarFile } from '../har/read-har-file.js';
import { createReplay, type Replay } from '../replay/create-replay.js';
import { UsageError } from './cli-io.js';
import { timingText, type ServeFiles } from './serve.js';

/** Reads the files the flags name (a HAR to replay, a profile, a model catalog); a bad file is a UsageError naming the field. */
export async function loadServeFiles(files: ServeFiles | undefined): Promise<{ replay?: Replay; profile?: GatewayProfile; models?: ModelCatalogInput }> {
  const models = files?.models === undefined ? {} : { models: await readModelsFile(files.models) };
  try {
    if (files?.replay !== undefined) return { ...models, replay: createReplay(await readHarFile(files.replay.path), { latency: files.replay.latency }) };
    if (files?.profile !== undefined) return { ...models, profile: await readProfileFile(files.profile) };
  } catch (error) {
    throw new UsageError(`--${files?.replay !== undefined ? 'replay' : 'profile'}: ${(error as Error).message}`);
  }
  return models;
}

/** Reads `--models FILE`, checked against the spec's ModelList: a bad file is a usage error naming the entry and the field. */
async function readModelsFile(path: string): Promise<ModelCatalogInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--models ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--models ${path}: is not JSON (${(error as Error).message}).`);
  }
  try {
    parseModelCatalog(value, path);
  } catch (error) {
    if (error instanceof ModelCatalogError) throw new UsageError(`--models ${error.message}`);
    throw error;
  }
  return value as ModelCatalogInput;
}

/** The profile's simulation under the flags: a flag given on the command line wins. */
export function withProfile(options: MockServerOptions, profile: GatewayProfile): MockServerOptions {
  const simulated = profileSimulation(profile).options;
  return {
    ...simulated,
    ...options,
    realtime: { ...simulated.realtime, ...options.realtime },
  };
}

export function profileLines(path: string, profile: GatewayProfile): string[] {
  const { dialect, options } = profileSimulation(profile);
  const { queuedMs, processingMsPerSecond } = options.realtime ?? {};
  const spread = [queuedMs, processingMsPerSecond].some((t) => t !== undefined && typeof t !== 'number');
  return [
    `  simulating the gateway profiled in ${path}: dialect ${dialect.name}; queued ${queuedMs === undefined ? 'default' : `${timingText(queuedMs)} ms`}, processing ${processingMsPerSecond === undefined ? 'default' : `${timingText(processingMsPerSecond)} ms per video second`}${spread ? ' (spread between jobs as recorded)' : ''}`,
  ];
}
