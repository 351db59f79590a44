import { useQuery } from '@tanstack/react-query';
import { api, queryKeys } from '../api';
import { networkVerdict, useNetwork } from '../net/requests';
import { useNow } from '../net/useNow';

const HEALTH_POLL_MS = 5_000;

/**
 * A dot in the top bar: what the server says of Postgres, Redis, the
 * schedulers and workers, and what the UI's own requests found — failed, or
 * waiting for an answer so long that the API must be stopped or swamped.
 */
export function HealthIndicator() {
  const health = useQuery({
    queryKey: queryKeys.health(),
    queryFn: () => api.health(),
    refetchInterval: HEALTH_POLL_MS,
    refetchIntervalInBackground: true,
    retry: false,
  });
  const network = networkVerdict(useNetwork(), useNow(1000));

  let tone: 'ok' | 'warn' | 'down' = 'ok';
  let text = 'All systems ok';
  if (health.error) {
    tone = 'down';
    text = 'API unreachable';
  } else if (!health.data && network.slowForMs === null) {
    return null;
  } else if (health.data && health.data.status !== 'ok') {
    tone = health.data.status === 'down' ? 'down' : 'warn';
    text = (health.data.problems ?? []).join(', ') || health.data.status;
  }
  if (tone === 'ok' && network.slowForMs !== null) {
    tone = 'warn';
    text = `API not answering (${Math.round(network.slowForMs / 1000)} s)`;
  } else if (tone === 'ok' && network.failedLately > 0) {
    tone = 'warn';
    text = `${network.failedLately} request${network.failedLately === 1 ? '' : 's'} failed`;
  }

  return (
    <span className={`health health-${tone}`} data-testid="health" data-tone={tone} title={text} role="status">
      <span className="health-dot" aria-hidden="true" />
      {text}
    </span>
  );
}
