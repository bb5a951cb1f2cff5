// Controls: arm a fault for a key and an operation, move the clock, reset everything. Each is one
// call of the documented control API; the mock says what was wrong with a refused one.
import { useState } from 'preact/hooks';
import { controlApi } from './control-api.js';
import { clockTime } from './format.js';
import { html } from './html.js';
import { useLiveEvent } from './live-events.js';
import { noteServerNow, serverNow } from './server-clock.js';
import { useTicker } from './use-soon.js';

const OPERATIONS = ['getJob', 'createVideo', 'downloadJobMedia', '*'];
const STATUSES = [503, 500, 429, 402, 401, 404, 400];
const SOCKETS = ['reset', 'empty', 'malformed_chunk', 'truncated', 'malformed_json'];

/** @param {{ keys: string[] }} props */
export function ControlsPanel({ keys }) {
  return html`
    <section class="panel" id="controls" aria-labelledby="controls-title">
      <div class="panel-head"><h2 id="controls-title">Controls</h2></div>
      <${FaultForm} keys=${keys} />
      <${ClockControl} />
      <${ResetEverything} />
    </section>
  `;
}

/** @param {{ keys: string[] }} props */
function FaultForm({ keys }) {
  const [key, setKey] = useState('');
  const [operation, setOperation] = useState('getJob');
  const [kind, setKind] = useState(/** @type {'status' | 'socket'} */ ('status'));
  const [status, setStatus] = useState('503');
  const [retryAfter, setRetryAfter] = useState('2');
  const [noRetryAfter, setNoRetryAfter] = useState(false);
  const [socket, setSocket] = useState('reset');
  const [count, setCount] = useState('1');
  const [message, setMessage] = useState('');
  const chosenKey = key !== '' ? key : (keys[0] ?? '');

  const submit = async (/** @type {Event} */ event) => {
    event.preventDefault();
    if (chosenKey === '') {
      setMessage('No key to arm a fault for: a key appears here once it has called the API.');
      return;
    }
    /** @type {import('./control-api.js').Schemas['FaultRequest']} */
    const fault =
      kind === 'status'
        ? {
            operation: /** @type {any} */ (operation),
            status: Number(status),
            count: Number(count),
            // A 503 may come without Retry-After (the spec's choice); a 429 always has one.
            ...(status === '503' && noRetryAfter ? { retry_after: null } : retryAfter === '' ? {} : { retry_after: Number(retryAfter) }),
          }
        : { operation: /** @type {any} */ (operation), socket: /** @type {any} */ (socket), count: Number(count) };
    try {
      const armed = await controlApi.armFault(chosenKey, fault);
      setMessage(`Armed ${armed.id}: the next ${armed.remaining} ${armed.operation} request${armed.remaining === 1 ? '' : 's'} of ${chosenKey} ${kind === 'status' ? `answer ${armed.status}` : `break the socket (${armed.socket})`}.`);
    } catch (failure) {
      setMessage(`Not armed: ${/** @type {Error} */ (failure).message}`);
    }
  };

  return html`
    <form class="stack" onSubmit=${submit} aria-labelledby="fault-title">
      <h3 id="fault-title">Arm a fault</h3>
      <label>Key
        <select name="key" value=${chosenKey} onChange=${(/** @type {any} */ e) => setKey(e.currentTarget.value)}>
          ${keys.length === 0 && html`<option value="">no key yet</option>`}
          ${keys.map((k) => html`<option value=${k}>${k}</option>`)}
        </select>
      </label>
      <label>Operation
        <select name="operation" value=${operation} onChange=${(/** @type {any} */ e) => setOperation(e.currentTarget.value)}>
          ${OPERATIONS.map((name) => html`<option value=${name}>${name === '*' ? 'any operation' : name}</option>`)}
        </select>
      </label>
      <fieldset>
        <legend>Answer</legend>
        <label class="check"><input type="radio" name="kind" value="status" checked=${kind === 'status'} onChange=${() => setKind('status')} /> an HTTP status</label>
        <label class="check"><input type="radio" name="kind" value="socket" checked=${kind === 'socket'} onChange=${() => setKind('socket')} /> a broken socket</label>
      </fieldset>
      ${kind === 'status'
        ? html`
            <label>Status
              <select name="status" value=${status} onChange=${(/** @type {any} */ e) => setStatus(e.currentTarget.value)}>
                ${STATUSES.map((s) => html`<option value=${String(s)}>${s}</option>`)}
              </select>
            </label>
            <label>Retry-After, seconds (429 and 503)
              <input name="retry_after" type="number" min="1" max="86400" value=${retryAfter} disabled=${status === '503' && noRetryAfter} onInput=${(/** @type {any} */ e) => setRetryAfter(e.currentTarget.value)} />
            </label>
            ${status === '503' &&
            html`<label class="check"><input type="checkbox" name="no_retry_after" checked=${noRetryAfter} onChange=${(/** @type {any} */ e) => setNoRetryAfter(e.currentTarget.checked)} /> send no Retry-After (the client picks its own backoff)</label>`}
          `
        : html`
            <label>Socket fault
              <select name="socket" value=${socket} onChange=${(/** @type {any} */ e) => setSocket(e.currentTarget.value)}>
                ${SOCKETS.map((s) => html`<option value=${s}>${s}</option>`)}
              </select>
            </label>
          `}
      <label>How many requests
        <input name="count" type="number" min="1" max="100000" value=${count} onInput=${(/** @type {any} */ e) => setCount(e.currentTarget.value)} />
      </label>
      <button type="submit" class="danger">Arm fault</button>
      <p class="note" role="status">${message}</p>
    </form>
  `;
}

function ClockControl() {
  const [offset, setOffset] = useState(/** @type {number | null} */ (null));
  const [seconds, setSeconds] = useState('30');
  const [message, setMessage] = useState('');
  useLiveEvent('clock', (/** @type {{ now: number, offset_ms: number }} */ clock) => {
    noteServerNow(clock.now);
    setOffset(clock.offset_ms);
  });
  useLiveEvent('ready', (/** @type {{ now: number, offset_ms: number }} */ ready) => {
    noteServerNow(ready.now);
    setOffset(ready.offset_ms);
  });
  useTicker(true, 1000);
  const advance = async (/** @type {number} */ ms) => {
    try {
      const clock = await controlApi.advanceClock(ms);
      noteServerNow(clock.now);
      setOffset(clock.offset_ms);
      setMessage(`Moved ${ms / 1000} s forward.`);
    } catch (failure) {
      setMessage(/** @type {Error} */ (failure).message);
    }
  };
  const submit = (/** @type {Event} */ event) => {
    event.preventDefault();
    const value = Number(seconds);
    if (!Number.isFinite(value) || value <= 0) {
      setMessage('Seconds: give a number above 0.');
      return;
    }
    void advance(Math.round(value * 1000));
  };
  return html`
    <form class="stack" onSubmit=${submit} aria-labelledby="clock-title">
      <h3 id="clock-title">Clock</h3>
      <p>Mock time <span class="mono">${clockTime(serverNow())}</span>${offset !== null && offset > 0 ? `, ${offset / 1000} s ahead` : ''}</p>
      <div class="actions">
        <button type="button" onClick=${() => advance(1000)}>+1 s</button>
        <button type="button" onClick=${() => advance(10_000)}>+10 s</button>
        <button type="button" onClick=${() => advance(60_000)}>+1 min</button>
      </div>
      <div class="inline">
        <label>Seconds <input type="number" min="0.001" step="any" value=${seconds} onInput=${(/** @type {any} */ e) => setSeconds(e.currentTarget.value)} /></label>
        <button type="submit">Advance</button>
      </div>
      <p class="note" role="status">${message}</p>
    </form>
  `;
}

function ResetEverything() {
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState('');
  const reset = async () => {
    setConfirming(false);
    try {
      const result = await controlApi.resetAll();
      setMessage(`Everything reset: ${result.jobs_removed} jobs removed.`);
    } catch (failure) {
      setMessage(/** @type {Error} */ (failure).message);
    }
  };
  return html`
    <div class="stack">
      <h3>Reset</h3>
      ${confirming
        ? html`<div class="actions">
            <button type="button" class="danger" onClick=${reset}>Yes, forget every job, wallet, fault and request</button>
            <button type="button" onClick=${() => setConfirming(false)}>Keep them</button>
          </div>`
        : html`<button type="button" onClick=${() => setConfirming(true)}>Reset everything…</button>`}
      <p class="note" role="status">${message}</p>
    </div>
  `;
}
