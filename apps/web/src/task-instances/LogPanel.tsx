import { useMemo, useState } from 'react';
import { api } from '../api';
import { findMatches, firstErrorLine } from './log-search';
import { LogView } from './LogView';
import type { LogTail } from './useLogTail';
import '../history/history.css';

interface LogPanelProps {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  tail: LogTail;
  emptyText: string;
}

/** A try's log with search (highlight, next and previous), wrapping, the first error, and a download of it whole. */
export function LogPanel({ dagId, runId, taskId, tryNumber, tail, emptyText }: LogPanelProps) {
  const [query, setQuery] = useState('');
  const [at, setAt] = useState(0);
  const [wrap, setWrap] = useState(true);
  const [target, setTarget] = useState<number | null>(null);
  const matches = useMemo(() => findMatches(tail.lines, query), [tail.lines, query]);
  const current = matches.length === 0 ? null : (matches[Math.min(at, matches.length - 1)] ?? null);
  const errorLine = useMemo(() => firstErrorLine(tail.lines), [tail.lines]);

  function step(by: number) {
    if (matches.length === 0) return;
    setTarget(null);
    setAt((i) => (Math.min(i, matches.length - 1) + by + matches.length) % matches.length);
  }

  return (
    <>
      <div className="log-toolbar" role="toolbar" aria-label="Log tools">
        <input
          className="text-input"
          type="search"
          aria-label="Search the log"
          placeholder="Search the log"
          data-testid="log-search"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setAt(0);
            setTarget(null);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') step(event.shiftKey ? -1 : 1);
          }}
        />
        <span className="muted small" data-testid="log-search-count" aria-live="polite">
          {query === ''
            ? ''
            : matches.length === 0
              ? 'no matches'
              : `${(current ? matches.indexOf(current) : 0) + 1} of ${matches.length}`}
        </span>
        <button
          type="button"
          className="button button-small"
          data-testid="log-search-previous"
          disabled={matches.length === 0}
          onClick={() => step(-1)}
        >
          ↑ Previous
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="log-search-next"
          disabled={matches.length === 0}
          onClick={() => step(1)}
        >
          ↓ Next
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="log-first-error"
          disabled={errorLine === null}
          title={errorLine === null ? 'No line reports an error' : undefined}
          onClick={() => {
            setQuery('');
            setTarget(errorLine);
          }}
        >
          First error
        </button>
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="log-wrap"
            checked={wrap}
            onChange={(event) => setWrap(event.target.checked)}
          />
          Wrap lines
        </label>
        <a
          className="button button-small"
          data-testid="log-download"
          href={api.logDownloadPath(dagId, runId, taskId, tryNumber)}
          download
        >
          Download
        </a>
      </div>
      <LogView tail={tail} emptyText={emptyText} options={{ query, current, target, wrap }} />
    </>
  );
}
