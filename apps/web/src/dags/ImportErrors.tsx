import type { ImportError } from '@sluice/client';
import { ErrorBanner } from '../components/ErrorBanner';

/** "dags/etl.ts:12": where the error is, as an editor opens it. */
export function importErrorLocation(error: ImportError): string {
  return error.line === null ? error.fileLoc : `${error.fileLoc}:${error.line}`;
}

/** DAG files that failed to load; the other DAGs keep running. */
export function ImportErrors({ errors }: { errors: ImportError[] }) {
  if (errors.length === 0) return null;
  return (
    <ErrorBanner
      testId="import-errors"
      title={`${errors.length} DAG file${errors.length === 1 ? '' : 's'} failed to import`}
    >
      <ul className="import-errors">
        {errors.map((error) => (
          <li key={`${error.fileLoc}:${error.line ?? ''}:${error.column ?? ''}`}>
            <code>{importErrorLocation(error)}</code>: {error.message}
          </li>
        ))}
      </ul>
    </ErrorBanner>
  );
}
