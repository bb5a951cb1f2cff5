// How numbers read on the page.

/** @param {number} cents */
export const money = (cents) => `$${(cents / 100).toFixed(2)}`;

/** A span of time: `850 ms`, `12.4 s`, `3 min`, `2 h`. */
export function span(/** @type {number} */ ms) {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(abs < 10_000 ? 1 : 0)} s`;
  if (abs < 3_600_000) return `${Math.floor(ms / 60_000)} min`;
  return `${Math.floor(ms / 3_600_000)} h`;
}

/** A time of day with milliseconds, local time: `14:03:07.250`. */
export function clockTime(/** @type {number} */ ms) {
  const date = new Date(ms);
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** An HTTP status as a class name: `2xx` ... `5xx`, or `broken` for a socket broken on purpose. */
export const statusClass = (/** @type {number} */ status) => (status === 0 ? 'broken' : `${Math.floor(status / 100)}xx`);

/** A status as read aloud: `0` is a broken socket. */
export const statusText = (/** @type {number} */ status) => (status === 0 ? 'socket' : String(status));

/** A long id shortened for a table cell (`job_2b7746…352d`); the full id goes in its label. */
export const shortId = (/** @type {string} */ id) => (id.length > 18 ? `${id.slice(0, 10)}…${id.slice(-4)}` : id);
