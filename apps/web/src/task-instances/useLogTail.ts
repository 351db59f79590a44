import { useEffect, useState } from 'react';
import type { LogLine } from '@sluice/client';
import { api, errorMessage } from '../api';
import { LIVE_POLL_MS } from '../states';

const PAGE_SIZE = 1000;
const RETRY_AFTER_ERROR_MS = 4000;

export interface LogTail {
  lines: LogLine[];
  /** The try the server answered for. */
  tryNumber: number | null;
  complete: boolean;
  loading: boolean;
  error: string | null;
}

const EMPTY: LogTail = { lines: [], tryNumber: null, complete: false, loading: true, error: null };

interface LogTailOptions {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  enabled: boolean;
}

/**
 * Follows one try's log: reads it page by page, then keeps asking for lines
 * after the last one it has until the server says the try is complete.
 * Lines are appended, never re-fetched.
 */
export function useLogTail({ dagId, runId, taskId, tryNumber, enabled }: LogTailOptions): LogTail {
  const [tail, setTail] = useState<LogTail>(EMPTY);

  useEffect(() => {
    // A task that never ran has no log to wait for.
    setTail(enabled ? EMPTY : { ...EMPTY, loading: false });
    if (!enabled) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let after: number | undefined;

    async function poll() {
      try {
        const page = await api.getLogs(dagId, runId, taskId, { try: tryNumber, after, limit: PAGE_SIZE });
        if (cancelled) return;
        after = page.nextSeq;
        setTail((previous) => ({
          lines: page.lines.length > 0 ? [...previous.lines, ...page.lines] : previous.lines,
          tryNumber: page.tryNumber,
          complete: page.complete,
          loading: false,
          error: null,
        }));
        if (page.lines.length >= PAGE_SIZE) timer = setTimeout(poll, 0);
        else if (!page.complete) timer = setTimeout(poll, LIVE_POLL_MS);
      } catch (raw) {
        if (cancelled) return;
        setTail((previous) => ({ ...previous, loading: false, error: errorMessage(raw) }));
        timer = setTimeout(poll, RETRY_AFTER_ERROR_MS);
      }
    }

    void poll();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [dagId, runId, taskId, tryNumber, enabled]);

  return tail;
}
