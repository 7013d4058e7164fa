/** Sign in by emailed link; the link comes back to this tab's Console, then to `next`. */
import { useState } from 'preact/hooks';
import { requestSignInLink } from '../auth/session';

export function SignIn({ next, callbackFailed }: { next: string; callbackFailed: boolean }) {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(ev: Event) {
    ev.preventDefault();
    setBusy(true);
    setError('');
    const res = await requestSignInLink(email, next);
    setBusy(false);
    if (res.ok) setSent(true);
    else setError(((await res.json().catch(() => ({}))) as { error?: { message?: string } }).error?.message ?? 'Could not send the link. Try again.');
  }

  return (
    <main id="main" class="narrow">
      <h1>Sign in to Roster</h1>
      {callbackFailed && (
        <p role="alert" class="error">This link was asked for in another tab or browser that is no longer open. Ask for a new link here and open it in this browser.</p>
      )}
      {sent ? (
        <div role="status">
          <p>We sent a sign-in link to <b>{email}</b>. Open it in this browser and keep this tab open: you will be signed in here.</p>
          <button type="button" class="link" onClick={() => setSent(false)}>Use another address</button>
        </div>
      ) : (
        <form onSubmit={submit}>
          <label for="email">Email address</label>
          <input id="email" type="email" autoComplete="email" required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
          {error && <p role="alert" class="error">{error}</p>}
          <button type="submit" class="primary" disabled={busy}>Email me a sign-in link</button>
        </form>
      )}
    </main>
  );
}
