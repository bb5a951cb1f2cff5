import type { SimConfig } from './config.js';
import { errorAnswer } from './answers.js';
import type { SimRequest, SimResponse } from './exchange.js';
import { sameSecret } from './key-hash.js';

/** Host names that always mean this machine (RFC 6761: `localhost` and every `*.localhost`). */
const LOOPBACK_HOST = /^(?:localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
/** The methods a browser may send without a CORS preflight (a "simple" request), given a simple Content-Type. */
const SIMPLE_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json$/;

const hostName = (host: string): string => {
  const trimmed = host.trim().toLowerCase();
  // `[::1]:4010` keeps its brackets; `localhost:4010` loses its port.
  return trimmed.startsWith('[') ? trimmed.slice(0, trimmed.indexOf(']') + 1) : (trimmed.split(':')[0] ?? '');
};

const forbidden = (code: string, detail: string, param: string | null): SimResponse =>
  errorAnswer(403, { vars: { detail }, code, param });

/**
 * Decides whether a request may reach the control API at all, before any route is matched
 * (docs/security.md): not from a web page on another site, not through a DNS-rebound name, not
 * from the mock's own webhooks, not without the admin token when there is one, and no mutation
 * that a browser could send without a preflight. Answers the refusal, or null to go on.
 */
export function guardControl(config: SimConfig, request: SimRequest, method: string): SimResponse | null {
  const { headers } = request;
  const host = headers['host'];
  if (config.controlHosts !== null && host !== undefined) {
    const name = hostName(host);
    if (!LOOPBACK_HOST.test(name) && !config.controlHosts.some((allowed) => allowed.toLowerCase() === name)) {
      return forbidden('host_not_allowed', `Host ${name.slice(0, 100)} is not a loopback name nor one given with --allowed-hosts (a DNS-rebound page would send it)`, 'Host');
    }
  }
  if (headers['aig-signature'] !== undefined || headers['x-gateway-signature'] !== undefined) {
    return forbidden('webhook_to_control_api', 'a webhook event is never a control call', 'aig-signature');
  }
  if (config.controlSameOriginOnly) {
    const site = headers['sec-fetch-site']?.trim().toLowerCase();
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return forbidden('cross_site_request', `Sec-Fetch-Site ${site.slice(0, 40)} says a page of another site sent it`, 'Sec-Fetch-Site');
    }
    const origin = headers['origin']?.trim().toLowerCase();
    if (origin !== undefined && origin !== request.origin.toLowerCase()) {
      return forbidden('cross_site_request', `Origin ${origin.slice(0, 100)} is another site`, 'Origin');
    }
  }
  if (config.adminToken !== null && !sameSecret(headers['x-aigw-admin-token'] ?? '', config.adminToken)) {
    return errorAnswer(401, {
      message: 'The mock control API needs the admin token in x-aigw-admin-token.',
      code: 'invalid_admin_token',
      param: 'x-aigw-admin-token',
    });
  }
  if (SIMPLE_METHODS.has(method)) {
    const type = headers['content-type'];
    const mediaType = (type ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!JSON_TYPE.test(mediaType)) {
      return errorAnswer(415, { vars: { contentType: type ?? 'none' }, param: 'Content-Type' });
    }
  }
  return null;
}
