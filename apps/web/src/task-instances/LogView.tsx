import { useEffect, useRef } from 'react';
import type { LogLine } from '@sluice/client';
import { assertNever } from '../states';
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

/** The log of one try; sticks to the bottom while new lines arrive, unless scrolled up. */
export function LogView({ tail, emptyText }: { tail: LogTail; emptyText: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when lines arrive, to keep the view at the bottom
  useEffect(() => {
    const element = ref.current;
    if (element && stickToBottom.current) element.scrollTop = element.scrollHeight;
  }, [tail.lines.length]);

  return (
    <div
      ref={ref}
      className="log-view"
      data-testid="log-view"
      data-complete={String(tail.complete)}
      onScroll={(event) => {
        const element = event.currentTarget;
        stickToBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
      }}
    >
      {tail.lines.length === 0 ? (
        <div className="log-empty">{tail.loading ? 'Loading log…' : emptyText}</div>
      ) : (
        tail.lines.map((line) => (
          <div key={line.seq} className={lineClass(line)} data-stream={line.stream}>
            <span className="log-time">{timeOf(line.at)}</span>
            <span className="log-text">{line.text}</span>
          </div>
        ))
      )}
      {tail.error && <div className="log-line is-stderr">Could not read the log: {tail.error}</div>}
    </div>
  );
}
