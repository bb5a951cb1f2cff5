// The keys the mock has seen (by fingerprint, never the key): wallet, rate-limit meter, armed faults,
// and what can be done to each through the control API.
import { useEffect, useState } from 'preact/hooks';
import { controlApi } from './control-api.js';
import { money, span } from './format.js';
import { html } from './html.js';
import { useLiveEvent } from './live-events.js';
import { noteServerNow, serverNow } from './server-clock.js';
import { useSoon, useTicker } from './use-soon.js';

/** @typedef {import('./control-api.js').Schemas['KeySummary']} KeySummary */
/** @typedef {import('./control-api.js').Schemas['Fault']} Fault */

const PAGE_SIZE = 20;

export function KeysPanel() {
  const [offset, setOffset] = useState(0);
  const [keys, setKeys] = useState(/** @type {KeySummary[]} */ ([]));
  const [total, setTotal] = useState(0);
  const [error, setError] = useState(/** @type {string | null} */ (null));

  const load = () =>
    controlApi.keys({ offset, limit: PAGE_SIZE }).then(
      (page) => {
        noteServerNow(page.now);
        setKeys(page.keys);
        setTotal(page.total);
        setError(null);
      },
      (/** @type {Error} */ failure) => setError(failure.message),
    );
  const reloadSoon = useSoon(load, 1000);
  useEffect(() => void load(), [offset]);
  useLiveEvent('keys', (/** @type {{ now: number, keys: KeySummary[] }} */ data) => {
    noteServerNow(data.now);
    const changed = new Map(data.keys.map((k) => [k.key, k]));
    setKeys((previous) => previous.map((k) => changed.get(k.key) ?? k));
    // A key not on this page yet moves to the front of the order: read the page again.
    if (data.keys.some((k) => !keys.some((shown) => shown.key === k.key))) reloadSoon();
  });
  useLiveEvent('keys-removed', reloadSoon);
  useLiveEvent('resync', load);
  useTicker(true, 1000);

  return html`
    <section class="panel" id="keys" aria-labelledby="keys-title">
      <div class="panel-head">
        <h2 id="keys-title">Keys <span class="count">${total}</span></h2>
      </div>
      ${error !== null && html`<p class="error" role="alert">Keys could not be read: ${error}</p>`}
      ${keys.length === 0 && error === null && html`<p class="note">No key has called the API yet.</p>`}
      <ul class="keys">
        ${keys.map((k) => html`<${KeyCard} key=${k.key} summary=${k} onChanged=${reloadSoon} />`)}
      </ul>
      ${total > PAGE_SIZE &&
      html`<nav class="pager" aria-label="Pages of keys">
        <button type="button" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE_SIZE))}>Previous</button>
        <span>${offset + 1}–${Math.min(total, offset + PAGE_SIZE)} of ${total}</span>
        <button type="button" disabled=${offset + PAGE_SIZE >= total} onClick=${() => setOffset(offset + PAGE_SIZE)}>Next</button>
      </nav>`}
    </section>
  `;
}

/** @param {{ summary: KeySummary, onChanged: () => void }} props */
function KeyCard({ summary, onChanged }) {
  const { key, wallet, rate_limit: meter, faults } = summary;
  const [balance, setBalance] = useState('');
  const [message, setMessage] = useState('');
  const act = async (/** @type {() => Promise<unknown>} */ call, /** @type {string} */ done) => {
    try {
      await call();
      setMessage(done);
      onChanged();
    } catch (failure) {
      setMessage(/** @type {Error} */ (failure).message);
    }
  };
  const setWallet = (/** @type {Event} */ event) => {
    event.preventDefault();
    const dollars = Number(balance);
    if (balance.trim() === '' || !Number.isFinite(dollars) || dollars < 0) {
      setMessage('Balance: give an amount in dollars, 0 or more.');
      return;
    }
    void act(() => controlApi.setWallet(key, Math.round(dollars * 100)), `Balance set to ${money(Math.round(dollars * 100))}.`);
  };
  const resetsIn = meter.resets_at === null ? null : Math.max(0, meter.resets_at - serverNow());
  const labelId = `key-${key}`;
  return html`
    <li class="key-card" aria-labelledby=${labelId} data-key=${key}>
      <h3 id=${labelId} class="mono">${key}</h3>
      <dl class="wallet">
        <div><dt>Balance</dt><dd>${money(wallet.balance_cents)}</dd></div>
        <div><dt>Spent</dt><dd>${money(wallet.spent_cents)}</dd></div>
        <div><dt>Refunded</dt><dd>${money(wallet.refunded_cents)}</dd></div>
      </dl>
      <div class="meter">
        <label for=${`${labelId}-meter`}>Rate limit: ${meter.used} of ${meter.limit} this minute${resetsIn === null ? '' : `, resets in ${span(resetsIn)}`}</label>
        <meter id=${`${labelId}-meter`} min="0" max=${meter.limit} low=${meter.limit * 0.7} high=${meter.limit * 0.9} optimum="0" value=${meter.used}></meter>
      </div>
      <div class="faults">
        <h4>Armed faults</h4>
        ${faults.length === 0 ? html`<p class="note">none</p>` : html`<ul>${faults.map((f) => html`<li><${FaultText} fault=${f} /></li>`)}</ul>`}
      </div>
      <div class="actions">
        <button type="button" class="danger" onClick=${() => act(() => controlApi.armFault(key, { operation: 'getJob', status: 503, retry_after: 2, count: 1 }), 'The next poll answers 503.')}>Fail next poll (503)</button>
        <button type="button" disabled=${faults.length === 0} onClick=${() => act(() => controlApi.clearFaults(key), 'Faults disarmed.')}>Disarm faults</button>
        <button type="button" onClick=${() => act(() => controlApi.resetKey(key), 'Key reset.')}>Reset key</button>
      </div>
      <form class="inline" onSubmit=${setWallet}>
        <label>Balance in $ <input type="number" min="0" step="0.01" inputmode="decimal" value=${balance} onInput=${(/** @type {any} */ e) => setBalance(e.currentTarget.value)} /></label>
        <button type="submit">Set balance</button>
      </form>
      <p class="note" role="status">${message}</p>
    </li>
  `;
}

/** @param {{ fault: Fault }} props */
export function FaultText({ fault }) {
  const what = fault.socket !== null ? `socket ${fault.socket}` : `${fault.status}${fault.retry_after === null ? '' : `, Retry-After ${fault.retry_after} s`}`;
  return html`<span><span class="mono">${fault.operation}</span>: ${what}, ${fault.remaining} left</span>`;
}
