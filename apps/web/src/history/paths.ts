/** URLs of the DAG's history pages and views. */
import { dagPath } from '../paths';

/** The DAG page's graph coloured by one run. */
export function dagGraphPath(dagId: string, runId: string): string {
  return `${dagPath(dagId)}?view=graph&run=${encodeURIComponent(runId)}`;
}

/** The code of a DAG version (the current one without `hash`), compared with another when `compare` is given. */
export function dagCodePath(dagId: string, hash?: string, compare?: string): string {
  const query = new URLSearchParams();
  if (hash) query.set('version', hash);
  if (compare) query.set('compare', compare);
  const qs = query.toString();
  return `${dagPath(dagId)}/code${qs ? `?${qs}` : ''}`;
}

export function dagHistoryPath(dagId: string): string {
  return `${dagPath(dagId)}/history`;
}
