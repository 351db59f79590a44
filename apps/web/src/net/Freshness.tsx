import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '@sluice/client';
import { errorMessage, queryKeys } from '../api';
import { networkVerdict, useNetwork } from './requests';
import { useNow } from './useNow';

const HEALTH_KEY = queryKeys.health()[0];

/** No answer, a timeout or a 5xx: the API's trouble, not the page asking for something that is not there. */
const unanswered = (error: unknown) => !(error instanceof ApiError) || error.status >= 500;

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 90 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

/**
 * Above every page: how old the data shown is ("updated 4 s ago"), and a
 * banner when the API stopped answering or is slow — the page keeps showing
 * the last data it had, and says from when.
 */
export function Freshness() {
  const client = useQueryClient();
  const now = useNow(1000);
  const network = networkVerdict(useNetwork(), now);
  const shown = client
    .getQueryCache()
    .findAll({ type: 'active' })
    .filter((q) => q.queryKey[0] !== HEALTH_KEY && q.state.dataUpdatedAt > 0);
  if (shown.length === 0) return null;
  const oldest = Math.min(...shown.map((q) => q.state.dataUpdatedAt));
  const failed = shown.find((q) => q.state.status === 'error' && unanswered(q.state.error));

  if (failed || network.slowForMs !== null) {
    const why = failed
      ? `The API did not answer: ${errorMessage(failed.state.error)}.`
      : `The API has not answered for ${Math.round((network.slowForMs ?? 0) / 1000)} s.`;
    return (
      <div className="stale-banner" role="alert" data-testid="stale-banner">
        {why} Showing what it said {ago(now - oldest)}; retrying.
      </div>
    );
  }
  return (
    <div className="freshness muted small" data-testid="freshness">
      updated {ago(now - oldest)}
    </div>
  );
}
