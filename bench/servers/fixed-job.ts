/** The job the reference servers answer: the shape of a real poll, so the bytes on the wire compare. */
export const fixedJob = {
  id: 'job_0123456789abcdef01234567',
  object: 'job',
  status: 'queued',
  model: 'openai/sora-2-video-to-video-remix',
  created: 1764000000,
  created_at: 1764000000,
  updated_at: 1764000000,
  modality: 'video',
  progress: 0,
} as const;

export const fixedJobJson = JSON.stringify(fixedJob);

/** Tells the parent which port the server listens on (the parent parses this line). */
export const announce = (port: number): void => {
  process.stdout.write(`listening ${port}\n`);
};

// Exit normally on SIGINT/SIGTERM, so `node --cpu-prof` writes its profile.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
