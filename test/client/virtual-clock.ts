/** A clock that only moves when the code under test sleeps: no test really waits. */
export function virtualClock(start = Date.UTC(2026, 0, 1)) {
  let time = start;
  const sleeps: number[] = [];
  return {
    now: (): number => time,
    sleeps,
    async sleep(ms: number, signal?: AbortSignal): Promise<void> {
      signal?.throwIfAborted();
      sleeps.push(ms);
      time += ms;
      await Promise.resolve();
    },
  };
}
