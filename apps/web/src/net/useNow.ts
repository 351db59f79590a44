import { useEffect, useState } from 'react';

/** The current time, refreshed every `everyMs` while `enabled`: for clocks that tick ("updated 4 s ago"). */
export function useNow(everyMs = 1000, enabled = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs, enabled]);
  return now;
}
