import type { Simulation } from '../src/sim/simulation.js';
import type { DueWebhook } from '../src/sim/webhooks.js';
import { REDACTED_KEY, redactKeys } from '../src/sim/redact-keys.js';
import { isLoopback } from './http-policy.js';

export interface WebhookOptions {
  /** The HMAC-SHA256 key events are signed with. */
  secret?: string;
  /** Deliver to any host; by default only to loopback (a mock should not call out unasked). */
  anyHost?: boolean;
  /** Waits before each redelivery of an event not acknowledged with a 2xx. Default 1, 2, 4, 8 s. */
  retryDelaysMs?: readonly number[];
  /** How delivery requests are sent (MSW passes one that bypasses its own interception). */
  fetch?: typeof globalThis.fetch;
  log?: ((line: string) => void) | null;
}

export const DEFAULT_WEBHOOK_SECRET = 'aigw-mock-webhook-secret';

export interface WebhookDispatcher {
  /** Hands the events due now to delivery (called on a timer, and after each request while some may be due). */
  tick(): void;
  /** After a request: a tick, unless no webhook event can be due (a lookup per request spared). */
  afterRequest(): void;
  /** Delivers due events every `intervalMs` until stopped (the timer does not keep a process alive). */
  start(intervalMs?: number): void;
  stop(): void;
}

const encoder = new TextEncoder();

/** Hex HMAC-SHA256 of `<timestamp>.<body>` (the docs pages' scheme; the Node SDK's `v1` is the same value). */
export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${timestamp}.${body}`)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Whether a URL's path has a `__mock` segment (escaped or not): the control API of a mock. */
function namesControlApi(url: URL): boolean {
  return url.pathname.split('/').some((segment) => {
    try {
      return decodeURIComponent(segment).toLowerCase() === '__mock';
    } catch {
      return false;
    }
  });
}

/** Signs and sends the webhook events the core hands out; redelivers with backoff. Uses fetch and Web Crypto only. */
export function createWebhookDispatcher(simulation: Simulation, options: WebhookOptions = {}): WebhookDispatcher {
  const { secret = DEFAULT_WEBHOOK_SECRET, anyHost = false, retryDelaysMs = [1000, 2000, 4000, 8000], log = null } = options;
  const send = options.fetch ?? globalThis.fetch;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let interval: ReturnType<typeof setInterval> | null = null;

  const later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    (timer as { unref?: () => void }).unref?.();
    timers.add(timer);
  };

  const record = async (due: DueWebhook, status: number, fault: string | null, started: number): Promise<void> => {
    log?.(`webhook ${due.event.type} ${due.jobId} -> ${redactKeys(due.url).slice(0, 120)} ${fault ?? status}`);
    await simulation.recordWebhookAttempt({ jobId: due.jobId, key: due.key, url: due.url, status, fault, durationMs: performance.now() - started }).catch(() => undefined);
  };

  const deliver = async (due: DueWebhook, attempt: number): Promise<void> => {
    const started = performance.now();
    let target: URL;
    try {
      target = new URL(due.url);
    } catch {
      return record(due, 0, 'webhook-url-invalid', started);
    }
    if (!anyHost && !isLoopback(target.hostname)) return record(due, 0, 'webhook-host-not-allowed', started);
    // A webhook_url may name any mock's control API (this one's reset, say): never call it.
    if (namesControlApi(target)) return record(due, 0, 'webhook-to-control-api', started);
    // Restored from a state file, which keeps no key: the URL it was given is gone.
    if (due.url.includes(REDACTED_KEY)) return record(due, 0, 'webhook-url-not-kept', started);
    const body = JSON.stringify(due.event);
    const timestamp = Math.floor(simulation.now() / 1000);
    let status = 0;
    let fault: string | null = null;
    try {
      const signature = await signWebhook(secret, timestamp, body);
      const response = await send(due.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'aigw-video-kit-mock',
          'aig-timestamp': String(timestamp),
          'aig-signature': signature,
          'x-gateway-signature': `t=${timestamp},v1=${signature}`,
        },
        body,
        // A redirect could lead the signed event to a host refused when named directly: never follow.
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
      status = response.status;
      if (response.type === 'opaqueredirect' || (status >= 300 && status < 400)) fault = 'webhook-redirect-not-followed';
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      fault = `webhook-unreachable: ${(error as Error).message}`.slice(0, 200);
    }
    const acknowledged = status >= 200 && status < 300;
    await record(due, status, acknowledged ? null : (fault ?? 'webhook-not-acknowledged'), started);
    const wait = retryDelaysMs[attempt];
    if (!acknowledged && wait !== undefined) later(wait, () => void deliver(due, attempt + 1));
  };

  // One hand-out at a time: a tick while the last one still waits on the store has nothing to add.
  let ticking = false;
  const tick = (): void => {
    if (ticking) return;
    ticking = true;
    simulation
      .takeDueWebhooks()
      .then((due) => {
        for (const event of due) void deliver(event, 0);
      })
      .catch(() => undefined)
      .finally(() => {
        ticking = false;
      });
  };

  return {
    tick,
    afterRequest() {
      if (simulation.webhooksMayBeDue()) tick();
    },
    start(intervalMs = 200) {
      if (interval !== null) return;
      interval = setInterval(tick, intervalMs);
      (interval as { unref?: () => void }).unref?.();
    },
    stop() {
      if (interval !== null) clearInterval(interval);
      interval = null;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
