// The control API's admin token, when the mock was started with one: asked once, kept for this tab
// only (sessionStorage, never a URL), sent as the x-aigw-admin-token header.
const STORAGE_KEY = 'aigw-video-admin-token';

/** @returns {string | null} */
export function readAdminToken() {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** @param {string | null} token */
export function saveAdminToken(token) {
  try {
    if (token === null || token === '') sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // Storage refused (a private window's quota): the token lasts until the page reloads.
  }
}
