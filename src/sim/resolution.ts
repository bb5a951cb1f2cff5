import type { SchemaAspectRatio, SchemaResolutionTier } from '../generated/api.js';

export interface FrameSize {
  width: number;
  height: number;
}

/**
 * The frame size a request asks for: the tier is the short side, the long side follows the ratio,
 * rounded to an even number as encoders require (16:9 at 1080p is 1920x1080, the model page's
 * example; at 480p it is 854x480).
 */
export function frameSizeOf(aspectRatio: SchemaAspectRatio, tier: SchemaResolutionTier): FrameSize {
  const short = Number.parseInt(tier, 10);
  const [w, h] = aspectRatio.split(':').map(Number) as [number, number];
  const long = Math.round((short * Math.max(w, h)) / Math.min(w, h) / 2) * 2;
  return w >= h ? { width: long, height: short } : { width: short, height: long };
}

const resolutions = new Map<string, string>();

/** `result.resolution`: the frame size as `WIDTHxHEIGHT` (every completed job's answer shows it). */
export function resolutionOf(aspectRatio: SchemaAspectRatio, tier: SchemaResolutionTier): string {
  const key = `${aspectRatio} ${tier}`;
  let resolution = resolutions.get(key);
  if (resolution === undefined) {
    const { width, height } = frameSizeOf(aspectRatio, tier);
    resolution = `${width}x${height}`;
    // The spec allows a few ratios and tiers; a state file might hold others: the memo stays small.
    if (resolutions.size >= 64) resolutions.clear();
    resolutions.set(key, resolution);
  }
  return resolution;
}
