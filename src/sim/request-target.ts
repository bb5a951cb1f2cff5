/** Where a request goes: its path and its query, as `new URL` reads them. */
export interface RequestTarget {
  pathname: string;
  query: URLSearchParams;
}

/**
 * A path `new URL` gives back as it is: it starts with one `/`, holds only characters no part of
 * URL parsing changes (no escape, no query, no fragment, no backslash), and no `.` or `..` segment.
 */
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

/** The request's path and query, or null when its URL is malformed. */
export function requestTarget(url: string): RequestTarget | null {
  // Most requests carry a plain path: read as it is, without the cost of parsing a URL.
  if (PLAIN_PATH.test(url) && !DOT_SEGMENT.test(url)) return { pathname: url, query: new URLSearchParams() };
  try {
    const parsed = new URL(url, 'http://mock.invalid');
    return { pathname: parsed.pathname, query: parsed.searchParams };
  } catch {
    return null;
  }
}
