#!/usr/bin/env -S npx tsx
// Development time only: encodes, with ffmpeg and x264, one still H.264 keyframe per frame size the
// spec allows (every aspect ratio x resolution tier) into fixtures/videos/WIDTHxHEIGHT.h264. The
// committed files are embedded by `npm run gen`; at run time src/sim/media.ts adds skip pictures and
// an MP4 container in TypeScript, so serving a video needs neither ffmpeg nor a network.
//
//   npx tsx scripts/encode-keyframes.ts      (needs ffmpeg with libx264 and the DejaVu fonts)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aspectRatioValues, resolutionTierValues } from '../src/generated/api.js';
import { frameSizeOf } from '../src/sim/resolution.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'fixtures', 'videos');
const font = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
if (!existsSync(font)) throw new Error(`${font} is missing: apt-get install fonts-dejavu-core`);

// A diagonal gradient from deep blue to teal with the frame size written in the middle.
const picture = (width: number, height: number): string =>
  [
    `color=c=black:s=${width}x${height}:r=1:d=1`,
    'format=rgb24',
    "geq=r='29+13*(X/W+Y/H)/2':g='53+104*(X/W+Y/H)/2':b='87+56*(X/W+Y/H)/2'",
    `drawtext=fontfile=${font}:text='${width}x${height}':fontcolor=white:fontsize=min(w\\,h)/9:x=(w-tw)/2:y=(h-th)/2`,
  ].join(',');

const sizes = new Map<string, { width: number; height: number }>();
for (const ratio of aspectRatioValues) {
  for (const tier of resolutionTierValues) {
    const size = frameSizeOf(ratio, tier);
    sizes.set(`${size.width}x${size.height}`, size);
  }
}

for (const file of readdirSync(out).filter((f) => f.endsWith('.h264'))) rmSync(join(out, file));
for (const [name, { width, height }] of sizes) {
  const bytes = execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error',
    '-f', 'lavfi', '-i', picture(width, height),
    '-frames:v', '1',
    // Constrained Baseline (CAVLC, no B pictures) plays everywhere and is what the skip slices of
    // src/sim/h264/skip-slice.ts are written for; one reference frame for them to repeat.
    '-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-threads', '1',
    '-x264-params', 'ref=1:keyint=infinite:scenecut=0:qp=40:aq-mode=0:psy=0',
    // Keep SPS, PPS and the IDR slice; drop x264's SEI (its version and settings, ~600 bytes).
    '-bsf:v', 'filter_units=remove_types=6',
    '-f', 'h264', '-',
  ]);
  writeFileSync(join(out, `${name}.h264`), bytes);
  console.log(`wrote fixtures/videos/${name}.h264 (${bytes.byteLength} bytes)`);
}
