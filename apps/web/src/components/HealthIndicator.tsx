import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, queryKeys } from '../api';

const HEALTH_POLL_MS = 10_000;
/** Requests that failed within this window are shown beside health. */
const FAILED_WINDOW_MS = 60_000;

/** How many of the UI's own requests failed in the last minute (the API said 5xx or did not answer). */
function useFailedRequests(): number {
  const client = useQueryClient();
  const [failures, setFailures] = useState<number[]>([]);
  useEffect(() => {
    const cache = client.getQueryCache();
    const unsubscribe = cache.subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') setFailures((f) => [...f, Date.now()]);
    });
    const timer = setInterval(() => setFailures((f) => f.filter((t) => Date.now() - t < FAILED_WINDOW_MS)), 5_000);
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }, [client]);
  return failures.length;
}

/** A dot in the top bar: what the server says of Postgres, Redis, the schedulers and workers, and failed requests. */
export function HealthIndicator() {
  const health = useQuery({
    queryKey: queryKeys.health(),
    queryFn: () => api.health(),
    refetchInterval: HEALTH_POLL_MS,
    retry: false,
  });
  const failed = useFailedRequests();

  let tone: 'ok' | 'warn' | 'down' = 'ok';
  let text = 'All systems ok';
  if (health.error) {
    tone = 'down';
    text = 'API unreachable';
  } else if (!health.data) {
    return null;
  } else if (health.data.status !== 'ok') {
    tone = health.data.status === 'down' ? 'down' : 'warn';
    text = (health.data.problems ?? []).join(', ') || health.data.status;
  }
  if (failed > 0 && tone === 'ok') {
    tone = 'warn';
    text = `${failed} request${failed === 1 ? '' : 's'} failed in the last minute`;
  }

  return (
    <span className={`health health-${tone}`} data-testid="health" title={text}>
      <span className="health-dot" aria-hidden="true" />
      {text}
    </span>
  );
}
