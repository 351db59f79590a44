import { usePreference, writePreference } from './store';
import { type ZoneChoice, formatInZone, isZoneChoice, resolveZone } from './zone';

export const ZONE_KEY = 'sluice.timeZone';

export function useZoneChoice(): [ZoneChoice, (next: ZoneChoice) => void] {
  return [usePreference(ZONE_KEY, isZoneChoice, 'dag'), (next) => writePreference(ZONE_KEY, next)];
}

/** Formats times in the zone picked in the top bar; `dagZone` is what "the DAG's zone" means on this page. */
export function useTimeFormat(dagZone?: string | null): { zone: string; format: (iso: string | null) => string } {
  const [choice] = useZoneChoice();
  const zone = resolveZone(choice, dagZone);
  return { zone, format: (iso) => formatInZone(iso, zone) };
}
