/** One API change from a button: its error message to show, or a toast and a refresh. */
import { useState } from 'preact/hooks';
import { messageOf } from '../api/client';
import { toast } from './toast';

export function useAction(onDone: () => void) {
  const [error, setError] = useState('');
  async function run(call: Promise<{ error?: unknown; response: Response }>, done: string): Promise<boolean> {
    setError('');
    const { error: err, response } = await call;
    if (!response.ok) { setError(messageOf(err)); return false; }
    toast(done);
    onDone();
    return true;
  }
  /** For a call whose answer the page needs (not only ok/failed): show its error. */
  const fail = (err: unknown) => setError(messageOf(err));
  return { error, run, fail, clear: () => setError('') };
}
