import type { MockServerOptions } from '../../mocks/node-http.js';
import { profileSimulation, type GatewayProfile } from '../calibrate/gateway-profile.js';
import { readProfileFile } from '../calibrate/read-profile-file.js';
import { defaultDialect } from '../contract/dialects.js';
import { readHarFile } from '../har/read-har-file.js';
import { createReplay, type Replay } from '../replay/create-replay.js';
import { UsageError } from './cli-io.js';
import type { ServeFiles } from './serve.js';

/** Reads the files the flags name (a HAR to replay, a profile); a bad file is a UsageError naming the field. */
export async function loadServeFiles(files: ServeFiles | undefined): Promise<{ replay?: Replay; profile?: GatewayProfile }> {
  try {
    if (files?.replay !== undefined) return { replay: createReplay(await readHarFile(files.replay.path), { latency: files.replay.latency }) };
    if (files?.profile !== undefined) return { profile: await readProfileFile(files.profile) };
  } catch (error) {
    throw new UsageError(`--${files?.replay !== undefined ? 'replay' : 'profile'}: ${(error as Error).message}`);
  }
  return {};
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
  const { dialect } = profileSimulation(profile);
  const { queuedMs, processingMsPerVideoSecond } = profile.timings;
  const lines = [
    `  simulating the gateway profiled in ${path}: dialect ${dialect.name}; queued ${queuedMs === null ? 'default' : `${Math.round(queuedMs.median)} ms`}, processing ${processingMsPerVideoSecond === null ? 'default' : `${Math.round(processingMsPerVideoSecond.median)} ms per video second`}`,
  ];
  if (dialect.name !== defaultDialect.name) lines.push(`  note: the mock does not answer in dialects yet; it answers in ${defaultDialect.name}, not ${dialect.name}`);
  const spread = [queuedMs, processingMsPerVideoSecond].some((m) => m !== null && m.stdev > 0);
  if (spread) lines.push('  note: the recorded spread between jobs is not simulated yet; every job takes the median');
  return lines;
}

