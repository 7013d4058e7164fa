/** Success messages ("Sharing saved") in one polite live region. */
import { useEffect, useState } from 'preact/hooks';

let show: (text: string) => void = () => undefined;
export const toast = (text: string) => show(text);

export function Toasts() {
  const [text, setText] = useState('');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    show = (t) => { setText(t); clearTimeout(timer); timer = setTimeout(() => setText(''), 6000); };
  }, []);
  return <div class="toast" role="status" aria-live="polite">{text && <p>{text}</p>}</div>;
}
