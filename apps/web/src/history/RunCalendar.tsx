import type { CalendarDay, RunCalendar as Calendar, RunState } from '@sluice/client';
import { runStateStyle } from '../states';

/** The state a day is coloured by: failed over running over queued over success. */
export function dayState(day: CalendarDay): RunState | null {
  for (const state of ['failed', 'running', 'queued', 'success'] as const) {
    if ((day.counts[state] ?? 0) > 0) return state;
  }
  return null;
}

function describe(date: string, day: CalendarDay | undefined): string {
  if (!day) return `${date}: no runs`;
  const parts = Object.entries(day.counts).map(([state, n]) => `${n} ${state}`);
  return `${date}: ${parts.join(', ')}`;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Every date of `year` as YYYY-MM-DD, and the weekday (0 Monday) of 1 January. */
function datesOf(year: number): { dates: string[]; firstWeekday: number } {
  const dates: string[] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d.setUTCDate(d.getUTCDate() + 1)) {
    dates.push(d.toISOString().slice(0, 10));
  }
  return { dates, firstWeekday: (new Date(Date.UTC(year, 0, 1)).getUTCDay() + 6) % 7 };
}

/** A year of runs, a column per week (Monday on top), each day coloured by its worst run state. */
export function RunCalendar({ calendar }: { calendar: Calendar }) {
  const byDate = new Map(calendar.days.map((d) => [d.date, d]));
  const { dates, firstWeekday } = datesOf(calendar.year);
  return (
    <div className="calendar-wrap">
      <ol className="calendar" data-testid="calendar" aria-label={`Runs in ${calendar.year} by day`}>
        {WEEKDAYS.slice(0, firstWeekday).map((weekday) => (
          <li key={weekday} className="calendar-day is-blank" aria-hidden="true" />
        ))}
        {dates.map((date) => {
          const day = byDate.get(date);
          const state = day ? dayState(day) : null;
          const label = describe(date, day);
          return (
            <li
              key={date}
              className="calendar-day"
              data-testid={`calendar-day-${date}`}
              data-state={state ?? 'none'}
              style={state ? { background: runStateStyle(state).color, borderColor: 'transparent' } : undefined}
              title={label}
              aria-label={label}
            />
          );
        })}
      </ol>
    </div>
  );
}
