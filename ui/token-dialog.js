// Asks for the admin token when the mock wants one (started with --admin-token). It is kept in this
// tab's session storage and sent as a header; it never goes into a URL.
import { useEffect, useRef, useState } from 'preact/hooks';
import { saveAdminToken } from './admin-token.js';
import { html } from './html.js';

/** @param {{ open: boolean, onSaved: () => void }} props */
export function TokenDialog({ open, onSaved }) {
  const dialog = useRef(/** @type {HTMLDialogElement | null} */ (null));
  const [token, setToken] = useState('');
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  const submit = (/** @type {Event} */ event) => {
    event.preventDefault();
    saveAdminToken(token.trim());
    setToken('');
    onSaved();
  };
  return html`
    <dialog ref=${dialog} aria-labelledby="token-title" onCancel=${(/** @type {Event} */ e) => e.preventDefault()}>
      <form method="dialog" onSubmit=${submit} class="stack">
        <h2 id="token-title">Admin token</h2>
        <p>This mock was started with <code>--admin-token</code>. The dashboard sends the token with every call, and keeps it only for this tab.</p>
        <label>Token <input type="password" autocomplete="off" required value=${token} onInput=${(/** @type {any} */ e) => setToken(e.currentTarget.value)} /></label>
        <button type="submit">Use this token</button>
      </form>
    </dialog>
  `;
}
