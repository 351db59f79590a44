import { useInfiniteQuery } from '@tanstack/react-query';
import type { AuditQuery } from '@sluice/client';
import { api, queryKeys } from '../api';

export const AUDIT_PAGE = 50;

export type AuditFilters = Pick<AuditQuery, 'actor' | 'action' | 'dagId'>;

/** Newest first; each "load older" asks for the page before the last one's cursor. */
export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.audit(filters),
    queryFn: ({ pageParam }) =>
      api.listAudit({ ...filters, limit: AUDIT_PAGE, ...(pageParam ? { before: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
}
