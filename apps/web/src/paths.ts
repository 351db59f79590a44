/** URLs of the UI's pages; ids are always encoded (run ids contain ':' and '+'). */

export function dagPath(dagId: string): string {
  return `/dags/${encodeURIComponent(dagId)}`;
}

export function runPath(dagId: string, runId: string, taskId?: string): string {
  const base = `${dagPath(dagId)}/runs/${encodeURIComponent(runId)}`;
  return taskId ? `${base}?task=${encodeURIComponent(taskId)}` : base;
}

/** An asset's page: its URI is one path segment, encoded (it holds "://" and "/"). */
export function assetPath(uri: string): string {
  return `/assets/${encodeURIComponent(uri)}`;
}
