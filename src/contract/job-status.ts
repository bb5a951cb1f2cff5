import { videoSpec } from '../generated/spec.js';
import { getAtPointer } from './openapi-document.js';
import { specIn } from './dialect-spec.js';
import type { Dialect } from './dialects.js';

// The lifecycle's order, from the spec's JobStatus (x-lifecycle): the core, the client, the suite
// and the webhooks read it here rather than each keeping a copy.
const lifecycle = getAtPointer(videoSpec, '#/components/schemas/JobStatus/x-lifecycle') as
  | { rank: Record<string, number>; terminal: string[] }
  | undefined;
if (lifecycle === undefined) throw new Error('The spec lacks x-lifecycle on JobStatus');

const ranks = new Map(Object.entries(lifecycle.rank));
const terminal = new Set(lifecycle.terminal);

/** The status's place in the lifecycle (queued 0, processing or running 1, ended 2); -1 when no dialect knows it. */
export const statusRank = (status: unknown): number => (typeof status === 'string' ? (ranks.get(status) ?? -1) : -1);

/** Whether a job in this status has ended and never changes again. */
export const isTerminalStatus = (status: unknown): boolean => typeof status === 'string' && terminal.has(status);

/** Every status name of every dialect. */
export const knownStatuses: readonly string[] = [...ranks.keys()];

const cancelledCode = getAtPointer(videoSpec, '#/components/schemas/JobErrorCode/x-cancelled-code');
if (typeof cancelledCode !== 'string') throw new Error('The spec lacks x-cancelled-code on JobErrorCode');
/** The error code a cancelled job shows where the dialect has no status `cancelled` (it reads `failed`). */
export const cancelledErrorCode: string = cancelledCode;

/** The status names a dialect's Job schema allows (JobStatus's enum in the dialect's document). */
export function statusesIn(dialect: Dialect): readonly string[] {
  const names = getAtPointer(specIn(dialect), '#/components/schemas/JobStatus/enum');
  return Array.isArray(names) ? (names as string[]) : knownStatuses;
}
