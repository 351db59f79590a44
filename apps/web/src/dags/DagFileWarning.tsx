import { ErrorBanner } from '../components/ErrorBanner';
import { importErrorLocation } from './ImportErrors';
import { useImportErrors } from './queries';

/** The DAG's own file failing to load: the DAG keeps its last version that loaded, and its page says why it is stuck there. */
export function DagFileWarning({ fileLoc }: { fileLoc: string }) {
  const errors = useImportErrors();
  const error = errors.data?.items.find((e) => e.fileLoc === fileLoc);
  if (!error) return null;
  return (
    <ErrorBanner
      tone="warning"
      testId="dag-file-error"
      title={`${fileLoc} failed to load: runs use the last version that loaded`}
    >
      <p>
        <code>{importErrorLocation(error)}</code>: {error.message}
      </p>
    </ErrorBanner>
  );
}
