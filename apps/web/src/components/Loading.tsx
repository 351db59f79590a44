import { errorMessage } from '../api';
import { ErrorBanner } from './ErrorBanner';

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="spinner" role="status">
      <span className="spinner-ring" aria-hidden="true" />
      {label}
    </div>
  );
}

/** What a page shows when its main query failed. */
export function LoadError({ what, error }: { what: string; error: unknown }) {
  return <ErrorBanner title={`Could not load ${what}`}>{errorMessage(error)}</ErrorBanner>;
}
