import { getAtPointer } from '../contract/openapi-document.js';
import { dialectSpec } from '../generated/dialects.js';
import type { Dialect } from '../contract/dialects.js';

// The rules a dialect changes beyond the shape of a body, read from the spec's x-dialects.
const throttled = getAtPointer(dialectSpec as unknown as Record<string, unknown>, "#/points/fast-poll/choices/304/x-interval-ms");
if (typeof throttled !== 'number') throw new Error("The spec lacks x-interval-ms on x-dialects fast-poll's 304 choice");

/** How soon after the last answered poll of a job another one answers 304, or null where polls are never throttled. */
export const fastPollIntervalMs = (dialect: Dialect): number | null => (dialect.choices['fast-poll'] === '304' ? throttled : null);
