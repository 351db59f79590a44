import { useTheme, type ThemeChoice } from './theme';
import { useZoneChoice } from './useZone';
import { type ZoneChoice, browserZone, isZoneChoice } from './zone';

const ZONE_LABELS: Record<ZoneChoice, string> = {
  dag: "DAG's zone",
  utc: 'UTC',
  browser: `Browser (${browserZone()})`,
};

const NEXT_THEME: Record<ThemeChoice, ThemeChoice> = { system: 'dark', dark: 'light', light: 'system' };
const THEME_LABELS: Record<ThemeChoice, string> = {
  system: 'Theme: system',
  dark: 'Theme: dark',
  light: 'Theme: light',
};

/** The top bar's time-zone choice and theme switch; both are kept in this browser. */
export function PrefsControls() {
  const [zone, setZone] = useZoneChoice();
  const [theme, setTheme] = useTheme();
  return (
    <div className="prefs">
      <label className="prefs-zone">
        <span className="visually-hidden">Show times in</span>
        <select
          data-testid="zone-select"
          value={zone}
          title="Show times in"
          onChange={(event) => {
            if (isZoneChoice(event.target.value)) setZone(event.target.value);
          }}
        >
          {(Object.keys(ZONE_LABELS) as ZoneChoice[]).map((choice) => (
            <option key={choice} value={choice}>
              {ZONE_LABELS[choice]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="prefs-theme"
        data-testid="theme-toggle"
        data-theme-choice={theme}
        aria-label={`${THEME_LABELS[theme]} (switch to ${NEXT_THEME[theme]})`}
        title={THEME_LABELS[theme]}
        onClick={() => setTheme(NEXT_THEME[theme])}
      >
        <span aria-hidden="true">{theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}</span>
      </button>
    </div>
  );
}
