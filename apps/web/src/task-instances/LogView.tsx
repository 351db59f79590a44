import { useEffect, useRef } from 'react';
import type { LogLine } from '@sluice/client';
import { assertNever } from '../states';
import { splitByQuery } from './log-search';
import type { LogMatch } from './log-search';
import type { LogTail } from './useLogTail';

function timeOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(11, 19);
}

function lineClass(line: LogLine): string {
  switch (line.stream) {
    case 'stdout':
      return 'log-line';
    case 'stderr':
      return 'log-line is-stderr';
    case 'system':
      return 'log-line is-system';
    default:
      return assertNever(line.stream);
  }
}

/** How to show the log: what to highlight, which match or line to bring into view, whether lines wrap. */
export interface LogViewOptions {
  query: string;
  /** The match the search is on (highlighted apart from the others and scrolled to). */
  current: LogMatch | null;
  /** A line to scroll to and mark, such as the first error. */
  target: number | null;
  wrap: boolean;
}

const PLAIN: LogViewOptions = { query: '', current: null, target: null, wrap: true };

function LineText({ text, query, currentStart }: { text: string; query: string; currentStart: number | null }) {
  if (query === '') return <span className="log-text">{text}</span>;
  let at = 0;
  return (
    <span className="log-text">
      {splitByQuery(text, query).map((part) => {
        const start = at;
        at += part.text.length;
        return part.match ? (
          <mark key={start} className={start === currentStart ? 'is-current' : undefined}>
            {part.text}
          </mark>
        ) : (
          part.text
        );
      })}
    </span>
  );
}

/**
 * The log of one try; sticks to the bottom while new lines arrive, unless
 * scrolled up or a search match or a line is being shown.
 */
export function LogView({
  tail,
  emptyText,
  options = PLAIN,
}: {
  tail: LogTail;
  emptyText: string;
  options?: LogViewOptions;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const focusLine = options.current?.line ?? options.target;
  /** Changes whenever the view must move: another match (even on the same line) or another target line. */
  const focusKey = options.current ? `${options.current.line}:${options.current.start}` : focusLine;

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when lines arrive, to keep the view at the bottom
  useEffect(() => {
    const element = ref.current;
    if (element && stickToBottom.current && focusLine === null) element.scrollTop = element.scrollHeight;
  }, [tail.lines.length]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: focusKey says when to move; focusLine says where
  useEffect(() => {
    const element = ref.current;
    if (!element || focusLine === null) return;
    stickToBottom.current = false;
    const line = element.querySelector<HTMLElement>(`[data-line="${focusLine}"]`);
    // Scrolls the log and, when the log itself is off screen, the page too.
    line?.scrollIntoView({ block: 'center' });
  }, [focusKey]);

  return (
    <div
      ref={ref}
      className={`log-view${options.wrap ? '' : ' is-nowrap'}`}
      data-testid="log-view"
      data-complete={String(tail.complete)}
      data-wrap={String(options.wrap)}
      onScroll={(event) => {
        const element = event.currentTarget;
        stickToBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
      }}
    >
      {tail.lines.length === 0 ? (
        <div className="log-empty">{tail.loading ? 'Loading log…' : emptyText}</div>
      ) : (
        tail.lines.map((line, index) => (
          <div
            key={line.seq}
            className={`${lineClass(line)}${index === options.target ? ' is-error-target' : ''}`}
            data-stream={line.stream}
            data-line={index}
            data-testid={index === options.target ? 'log-error-target' : undefined}
          >
            <span className="log-time">{timeOf(line.at)}</span>
            <LineText
              text={line.text}
              query={options.query}
              currentStart={options.current?.line === index ? options.current.start : null}
            />
          </div>
        ))
      )}
      {tail.error && <div className="log-line is-stderr">Could not read the log: {tail.error}</div>}
    </div>
  );
}
