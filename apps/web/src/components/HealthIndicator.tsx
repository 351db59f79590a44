import { useQuery } from '@tanstack/react-query';
import { api, queryKeys } from '../api';

const HEALTH_POLL_MS = 30_000;
/** A scheduler that has not written a heartbeat for this long is reported as stale. */
const HEARTBEAT_STALE_MS = 60_000;

/** A small dot in the top bar: is the database, Redis and the scheduler alive? */
export function HealthIndicator() {
  const health = useQuery({
    queryKey: queryKeys.health(),
    queryFn: () => api.health(),
    refetchInterval: HEALTH_POLL_MS,
    retry: false,
  });

  let tone: 'ok' | 'warn' | 'down' = 'ok';
  let text = 'All systems ok';
  if (health.error) {
    tone = 'down';
    text = 'API unreachable';
  } else if (!health.data) {
    return null;
  } else {
    const { database, redis, scheduler } = health.data;
    const beat = scheduler.lastHeartbeatAt ? Date.parse(scheduler.lastHeartbeatAt) : Number.NaN;
    const problems = [
      database === 'down' ? 'database down' : null,
      redis === 'down' ? 'Redis down' : null,
      Number.isNaN(beat) || Date.now() - beat > HEARTBEAT_STALE_MS ? 'no scheduler heartbeat' : null,
    ].filter((problem) => problem !== null);
    if (problems.length > 0) {
      tone = database === 'down' ? 'down' : 'warn';
      text = problems.join(', ');
    }
  }

  return (
    <span className={`health health-${tone}`} data-testid="health" title={text}>
      <span className="health-dot" aria-hidden="true" />
      {text}
    </span>
  );
}
