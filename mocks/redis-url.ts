// What a store URL says, checked without loading the Redis client (the CLI checks its flags with it).

/** The URL with its password hidden, for logs and messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Checks that a `--store`/`store` string names a Redis server; answers a message naming what is wrong, or null. */
export function redisUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `'${url}' is not a URL; expected redis://host:6379/0`;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return `'${redactRedisUrl(url)}' is not a redis:// or rediss:// URL`;
  if (parsed.hostname === '') return `'${redactRedisUrl(url)}' names no host; expected redis://host:6379/0`;
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) return `'${redactRedisUrl(url)}': the database must be a number (redis://host:6379/0), not '${db}'`;
  return null;
}
