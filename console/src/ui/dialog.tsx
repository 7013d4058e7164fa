/** A modal <dialog>: the browser traps focus, Esc closes, focus returns on close. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal();
    return () => d.close();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="dialog-title" onClose={onClose}>
      <h2 id="dialog-title">{title}</h2>
      {children}
    </dialog>
  );
}

/** "Are you sure?" before anything destructive. */
export function Confirm({ title, body, action, onConfirm, onClose, children }: {
  title: string; body: string; action: string; onConfirm: () => void; onClose: () => void; children?: ComponentChildren;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <p>{body}</p>
      {children}
      <div class="actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" class="danger" onClick={onConfirm}>{action}</button>
      </div>
    </Dialog>
  );
}
