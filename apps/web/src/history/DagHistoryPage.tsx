import { Link, useParams, useSearchParams } from 'react-router-dom';
import { LoadError, Spinner } from '../components/Loading';
import { dagPath } from '../paths';
import { useRunCalendar, useTaskTimes } from './queries';
import { RunCalendar } from './RunCalendar';
import { TaskTimesChart } from './TaskTimesChart';
import './history.css';

const RUN_CHOICES = [25, 50, 100] as const;

/** A DAG's history: task durations and landing times over its latest runs, and a year of runs by day. */
export function DagHistoryPage() {
  const { dagId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const runs = RUN_CHOICES.find((n) => String(n) === params.get('runs')) ?? RUN_CHOICES[0];
  const yearParam = params.get('year');
  const year = yearParam !== null && /^\d{4}$/.test(yearParam) ? Number(yearParam) : null;
  const times = useTaskTimes(dagId, runs);
  const calendar = useRunCalendar(dagId, year);

  function set(key: string, value: string) {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  }

  return (
    <div className="page">
      <nav className="breadcrumbs">
        <Link to="/">DAGs</Link>
        <span>/</span>
        <Link to={dagPath(dagId)}>{dagId}</Link>
        <span>/</span>
        <span>History</span>
      </nav>
      <h1>History of {dagId}</h1>

      <section className="card" aria-labelledby="times-title">
        <div className="card-toolbar">
          <h2 className="card-title" id="times-title">
            Task times
          </h2>
          <label className="inline-field">
            Last
            <select data-testid="history-runs" value={runs} onChange={(event) => set('runs', event.target.value)}>
              {RUN_CHOICES.map((n) => (
                <option key={n} value={n}>
                  {n} runs
                </option>
              ))}
            </select>
          </label>
        </div>
        {times.error ? (
          <LoadError what="the task times" error={times.error} />
        ) : !times.data ? (
          <Spinner />
        ) : (
          <>
            <h3>Durations</h3>
            <TaskTimesChart times={times.data} measure="duration" />
            <h3>Landing times</h3>
            <TaskTimesChart times={times.data} measure="landing" />
          </>
        )}
      </section>

      <section className="card" aria-labelledby="calendar-title">
        <div className="card-toolbar">
          <h2 className="card-title" id="calendar-title">
            Calendar {calendar.data ? calendar.data.year : ''}
          </h2>
          {calendar.data && (
            <span className="actions">
              <button
                type="button"
                className="button button-small"
                data-testid="calendar-previous"
                onClick={() => set('year', String((calendar.data?.year ?? 0) - 1))}
              >
                ← {calendar.data.year - 1}
              </button>
              <button
                type="button"
                className="button button-small"
                data-testid="calendar-next"
                onClick={() => set('year', String((calendar.data?.year ?? 0) + 1))}
              >
                {calendar.data.year + 1} →
              </button>
            </span>
          )}
        </div>
        {calendar.error ? (
          <LoadError what="the calendar" error={calendar.error} />
        ) : !calendar.data ? (
          <Spinner />
        ) : (
          <>
            <RunCalendar calendar={calendar.data} />
            <p className="muted small">Days by logical date in {calendar.data.timezone}; a day shows its worst run.</p>
          </>
        )}
      </section>
    </div>
  );
}
