/** A secret shown once: the value, a copy button, and the warning that it will not be shown again. */
import { useState } from 'preact/hooks';
import { Dialog } from './dialog';

export function SecretDialog({ title, secret, clientId, onClose }: { title: string; secret: string; clientId?: string; onClose: () => void }) {
  return (
    <Dialog title={title} onClose={onClose}>
      <p class="warning" role="note">Copy the secret now and keep it somewhere safe. It is shown only once; if you lose it, reset it.</p>
      {clientId && <CopyValue label="Client id" value={clientId} />}
      <CopyValue label="Client secret" value={secret} />
      <div class="actions"><button type="button" class="primary" onClick={onClose}>Done</button></div>
    </Dialog>
  );
}

export function CopyValue({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  const id = `copy-${label.replace(/\W+/g, '-').toLowerCase()}`;
  async function copy() {
    await navigator.clipboard.writeText(value);
    setCopied(true);
  }
  return (
    <div>
      <label for={id}>{label}</label>
      <div class="secret">
        <input id={id} readOnly value={value} onFocus={(e) => (e.target as HTMLInputElement).select()} />
        <button type="button" onClick={() => void copy()}>Copy<span class="visually-hidden"> {label.toLowerCase()}</span></button>
        {copied && <span class="muted" role="status">Copied</span>}
      </div>
    </div>
  );
}
