/**
 * What the UI's own requests say about the API: how many failed lately (no
 * answer, a timeout, a 5xx), whether one has been waiting long, and when one
 * last succeeded. The health dot and the stale-data banner read it, so a
 * stopped or overloaded API shows within seconds even while /health itself
 * hangs.
 */
import { useSyncExternalStore } from 'react';

/** A request not answered by then is given up on, and counts as failed. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** A request waiting longer than this makes the API "slow". */
export const SLOW_AFTER_MS = 3_000;
/** Failures older than this are forgotten. */
export const FAILURE_WINDOW_MS = 60_000;

export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
}

export interface NetworkSnapshot {
  /** Start times of the requests still waiting for an answer. */
  waitingSince: readonly number[];
  /** When requests failed (no answer, timeout, 5xx), oldest first. */
  failures: readonly number[];
  /** When a request was last answered without a 5xx. */
  lastAnsweredAt: number | null;
}

let snapshot: NetworkSnapshot = { waitingSince: [], failures: [], lastAnsweredAt: null };
const listeners = new Set<() => void>();

function update(change: (s: NetworkSnapshot) => NetworkSnapshot): void {
  snapshot = change(snapshot);
  for (const listener of listeners) listener();
}

const recent = (times: readonly number[], now: number) => times.filter((t) => now - t < FAILURE_WINDOW_MS);

/** `fetch` that times out after `timeoutMs` and records what came of each request. */
export function fetchTracked(fetchImpl: typeof fetch, timeoutMs = REQUEST_TIMEOUT_MS): typeof fetch {
  return async (input, init) => {
    const started = Date.now();
    const controller = new AbortController();
    const outer = init?.signal;
    outer?.addEventListener('abort', () => controller.abort(outer.reason));
    const timer = setTimeout(
      () => controller.abort(new RequestTimeoutError(`no answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    update((s) => ({ ...s, waitingSince: [...s.waitingSince, started] }));
    const done = (failed: boolean) => {
      clearTimeout(timer);
      const now = Date.now();
      update((s) => {
        const index = s.waitingSince.indexOf(started);
        const waitingSince = index < 0 ? s.waitingSince : s.waitingSince.toSpliced(index, 1);
        return failed
          ? { ...s, waitingSince, failures: [...recent(s.failures, now), now] }
          : { ...s, waitingSince, lastAnsweredAt: now };
      });
    };
    try {
      const res = await fetchImpl(input, { ...init, signal: controller.signal });
      done(res.status >= 500 && res.status !== 503);
      return res;
    } catch (raw) {
      // A request the page itself cancelled (it moved on) says nothing about the API.
      done(!(outer?.aborted ?? false));
      throw controller.signal.reason instanceof RequestTimeoutError ? controller.signal.reason : raw;
    }
  };
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function currentNetwork(): NetworkSnapshot {
  return snapshot;
}

export function useNetwork(): NetworkSnapshot {
  return useSyncExternalStore(subscribe, currentNetwork);
}

/**
 * How the API has answered the UI lately, at `now`: requests failed since
 * the last one it answered (an answer after them means it is back), and how
 * long the oldest unanswered one has waited once that is past SLOW_AFTER_MS.
 */
export function networkVerdict(s: NetworkSnapshot, now: number): { failedLately: number; slowForMs: number | null } {
  const oldest = s.waitingSince.length > 0 ? Math.min(...s.waitingSince) : null;
  const waited = oldest === null ? 0 : now - oldest;
  return {
    failedLately: recent(s.failures, now).filter((t) => t > (s.lastAnsweredAt ?? 0)).length,
    slowForMs: waited >= SLOW_AFTER_MS ? waited : null,
  };
}

/** For tests: forget every request seen. */
export function resetNetwork(): void {
  update(() => ({ waitingSince: [], failures: [], lastAnsweredAt: null }));
}
