import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Dialog } from '../components/Dialog';
import { SHORTCUTS, actionOf, isTyping } from './keys';

/** How long after `g` the next key still counts as its letter. */
const G_WINDOW_MS = 1500;

/** Listens for the shortcuts on the whole page and shows their list on `?`. */
export function Shortcuts() {
  const navigate = useNavigate();
  const [help, setHelp] = useState(false);
  const gAt = useRef(0);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (document.querySelector('dialog[open]') && event.key !== '?') return;
      const afterG = Date.now() - gAt.current < G_WINDOW_MS;
      gAt.current = 0;
      const action = actionOf(event.key, afterG);
      switch (action.kind) {
        case 'pending-g':
          gAt.current = Date.now();
          return;
        case 'go':
          navigate(action.path);
          break;
        case 'focus': {
          const el = document.querySelector<HTMLElement>(`[data-shortcut="${action.target}"]`);
          if (!el) return;
          el.focus();
          break;
        }
        case 'click': {
          const el = document.querySelector<HTMLElement>(`[data-shortcut="${action.target}"]`);
          if (!el) return;
          el.click();
          break;
        }
        case 'help':
          setHelp((open) => !open);
          break;
        case 'none':
          return;
      }
      event.preventDefault();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);

  return (
    <Dialog open={help} onClose={() => setHelp(false)} title="Keyboard shortcuts" testId="shortcuts-help">
      <table className="table shortcuts-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>
                {s.keys.split(' ').map((k) => (
                  <kbd key={k}>{k}</kbd>
                ))}
              </td>
              <td>{s.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
