import { errorMessage } from '../api';

interface LoadMoreProps {
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  onLoad(): void;
  testId: string;
  label?: string;
  shownAny: boolean;
}

/** The "Load more" under a keyset-paged list, or "That is everything." after its last page. */
export function LoadMore({ hasMore, loading, error, onLoad, testId, label = 'Load more', shownAny }: LoadMoreProps) {
  return (
    <div className="actions">
      {hasMore ? (
        <button type="button" className="button" data-testid={testId} disabled={loading} onClick={onLoad}>
          {loading ? 'Loading…' : label}
        </button>
      ) : (
        shownAny && <span className="muted small">That is everything.</span>
      )}
      {error !== null && error !== undefined && <span className="inline-error">{errorMessage(error)}</span>}
    </div>
  );
}
