import { ApiError, createClient } from '@sluice/client';
import type { AuditQuery, SluiceClient } from '@sluice/client';
import { csrfHeaders, fetchWatchingSession } from './auth/session';
import { fetchTracked } from './net/requests';

/**
 * Same origin: the API serves this bundle, and Vite proxies /api in dev. The
 * session cookie goes by itself; every change carries the CSRF token, and a
 * 401 tells the sign-in gate the session is gone. A request unanswered for
 * REQUEST_TIMEOUT_MS fails, so a stopped API shows as failures, not a page
 * that waits forever.
 */
export const api: SluiceClient = createClient({
  baseUrl: '',
  fetch: fetchWatchingSession(fetchTracked((...args) => globalThis.fetch(...args))),
  headers: csrfHeaders,
});

/**
 * Query keys, nested so that invalidating `dag(dagId)` refreshes everything
 * shown for that DAG (its grid, runs and task instances).
 */
export const queryKeys = {
  dagList: (filters: { tag?: string; paused?: boolean }) => ['dag-list', filters] as const,
  allDagLists: () => ['dag-list'] as const,
  importErrors: () => ['import-errors'] as const,
  health: () => ['health'] as const,
  dag: (dagId: string) => ['dag', dagId] as const,
  grid: (dagId: string, limit: number) => ['dag', dagId, 'grid', limit] as const,
  mappedGrid: (dagId: string, taskId: string, limit: number, offset: number) =>
    ['dag', dagId, 'grid', limit, 'mapped', taskId, offset] as const,
  dagLinks: (dagId: string) => ['dag', dagId, 'links'] as const,
  assetList: (prefix: string) => ['assets', 'list', prefix] as const,
  asset: (uri: string) => ['assets', 'one', uri] as const,
  allAssets: () => ['assets'] as const,
  run: (dagId: string, runId: string) => ['dag', dagId, 'run', runId] as const,
  taskInstance: (dagId: string, runId: string, taskId: string) => ['dag', dagId, 'run', runId, 'ti', taskId] as const,
  variables: () => ['variables'] as const,
  runList: (filters: object) => ['run-list', filters] as const,
  taskInstanceList: (filters: object) => ['ti-list', filters] as const,
  pools: () => ['pools'] as const,
  authOptions: () => ['auth-options'] as const,
  me: () => ['me'] as const,
  audit: (filters: AuditQuery) => ['audit', filters] as const,
  tokens: () => ['tokens'] as const,
  users: () => ['users'] as const,
};

/** A message fit for a person: the API's own message, plus the field issues of a 4xx. */
export function errorMessage(raw: unknown): string {
  if (raw instanceof ApiError) {
    if (raw.status === 403) return `Not allowed: ${raw.message}`;
    const issues = raw.issues?.map((issue) => `${issue.path || '(body)'}: ${issue.message}`) ?? [];
    return issues.length > 0 ? `${raw.message} (${issues.join('; ')})` : raw.message;
  }
  if (raw instanceof Error) return raw.message;
  return String(raw);
}

export function isNotFound(raw: unknown): boolean {
  return raw instanceof ApiError && raw.status === 404;
}

export function hasStatus(raw: unknown, status: number): boolean {
  return raw instanceof ApiError && raw.status === status;
}
