// Every call the page makes: the documented control API (openapi/mock-admin.yaml) on this origin,
// JSON in and out, with the admin token when one was given. Nothing private.
import { readAdminToken } from './admin-token.js';

/** @typedef {import('../src/generated/admin-api.js').components['schemas']} Schemas */

/** An answer other than 2xx, with the envelope's message, code and the field it names. */
export class ControlApiError extends Error {
  /**
   * @param {number} status
   * @param {{ message?: string, code?: string | null, param?: string | null }} error
   */
  constructor(status, error) {
    super(error.message ?? `The control API answered ${status}.`);
    this.name = 'ControlApiError';
    this.status = status;
    this.code = error.code ?? null;
    this.param = error.param ?? null;
  }

  /** The mock wants the admin token (it was started with --admin-token). */
  get needsToken() {
    return this.status === 401 && this.code === 'invalid_admin_token';
  }
}

/** @type {Set<(error: ControlApiError) => void>} */
const unauthorizedListeners = new Set();

/** Calls `listener` whenever a call was refused for want of the admin token. */
export function onTokenNeeded(/** @type {(error: ControlApiError) => void} */ listener) {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** The headers every call sends: JSON, and the admin token when there is one. */
export function controlHeaders() {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  const token = readAdminToken();
  if (token !== null) headers['x-aigw-admin-token'] = token;
  return headers;
}

/**
 * One call of the control API. Mutations always say `Content-Type: application/json` (the mock
 * refuses others, so that no other site's form can post to it).
 * @param {'GET' | 'POST' | 'PUT' | 'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function callControlApi(method, path, body) {
  const headers = controlHeaders();
  if (method !== 'GET') headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    cache: 'no-store',
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return null;
  const text = await response.text();
  /** @type {any} */
  let value = null;
  try {
    value = text === '' ? null : JSON.parse(text);
  } catch {
    value = { error: { message: `The control API answered ${response.status} with a body that is not JSON.` } };
  }
  if (!response.ok) {
    const error = new ControlApiError(response.status, value?.error ?? {});
    if (error.needsToken) for (const listener of unauthorizedListeners) listener(error);
    throw error;
  }
  return value;
}

/** A query string from the given values, leaving out empty ones. */
export function query(/** @type {Record<string, string | number | null | undefined>} */ values) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== null && value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export const controlApi = {
  /** @returns {Promise<Schemas['Health']>} */
  health: () => callControlApi('GET', '/__mock/health'),
  /** @param {{ key?: string | null, status?: string | null, offset?: number, limit?: number }} filter @returns {Promise<Schemas['JobPage']>} */
  jobs: (filter) => callControlApi('GET', `/__mock/jobs${query(filter)}`),
  /** @param {string} id @returns {Promise<Schemas['JobSummary']>} */
  job: (id) => callControlApi('GET', `/__mock/jobs/${encodeURIComponent(id)}`),
  /** @param {Record<string, string | number | null | undefined>} filter @returns {Promise<Schemas['Journal']>} */
  journal: (filter) => callControlApi('GET', `/__mock/journal${query(filter)}`),
  /** @param {{ offset?: number, limit?: number }} page @returns {Promise<Schemas['KeyPage']>} */
  keys: (page) => callControlApi('GET', `/__mock/keys${query(page)}`),
  /** @param {string} key @param {Schemas['FaultRequest']} fault @returns {Promise<Schemas['Fault']>} */
  armFault: (key, fault) => callControlApi('POST', `/__mock/keys/${encodeURIComponent(key)}/faults`, fault),
  /** @param {string} key */
  clearFaults: (key) => callControlApi('DELETE', `/__mock/keys/${encodeURIComponent(key)}/faults`),
  /** @param {string} key @param {number} cents @returns {Promise<Schemas['Wallet']>} */
  setWallet: (key, cents) => callControlApi('PUT', `/__mock/keys/${encodeURIComponent(key)}/wallet`, { balance_cents: cents }),
  /** @param {string} key @returns {Promise<Schemas['ResetResult']>} */
  resetKey: (key) => callControlApi('DELETE', `/__mock/keys/${encodeURIComponent(key)}`),
  /** @returns {Promise<Schemas['ResetResult']>} */
  resetAll: () => callControlApi('POST', '/__mock/reset'),
  /** @param {number} ms @returns {Promise<Schemas['Clock']>} */
  advanceClock: (ms) => callControlApi('POST', '/__mock/clock', { advance_ms: ms }),
};
