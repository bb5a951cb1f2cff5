/** Browser origins allowed: `true` for any, a list, or `false` for none. */
export type CorsOption = boolean | readonly string[];

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i;
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

/** CORS response headers for a request from `origin` (browser apps talk to the mock directly). */
export function corsHeaders(cors: CorsOption, origin: string | undefined): Record<string, string> {
  if (cors === false || origin === undefined) return {};
  if (cors !== true && !cors.includes(origin)) return {};
  return {
    'access-control-allow-origin': cors === true ? '*' : origin,
    'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type, prefer, range, x-aigw-admin-token, x-aig-tag',
    'access-control-expose-headers':
      'x-request-id, retry-after, x-ratelimit-limit-requests, x-ratelimit-remaining-requests, x-ratelimit-reset-requests, content-range, preference-applied',
    'access-control-max-age': '600',
    ...(cors === true ? {} : { vary: 'Origin' }),
  };
}
