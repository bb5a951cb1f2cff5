import type { SchemaAspectRatio, SchemaResolutionTier } from '../generated/api.js';

/**
 * `result.resolution` from the request: the tier is the short side, the long side follows the
 * ratio, rounded to an even number as encoders require (16:9 at 1080p is 1920x1080, the model
 * page's example; at 480p it is 854x480).
 */
export function resolutionOf(aspectRatio: SchemaAspectRatio, tier: SchemaResolutionTier): string {
  const short = Number.parseInt(tier, 10);
  const [w, h] = aspectRatio.split(':').map(Number) as [number, number];
  const long = Math.round((short * Math.max(w, h)) / Math.min(w, h) / 2) * 2;
  return w >= h ? `${long}x${short}` : `${short}x${long}`;
}
