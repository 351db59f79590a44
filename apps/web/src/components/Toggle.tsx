interface ToggleProps {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
  disabled?: boolean;
  testId?: string;
}

/** A switch; `label` is for screen readers and the tooltip. */
export function Toggle({ checked, onChange, label, disabled, testId }: ToggleProps) {
  return (
    <label className="toggle" title={label}>
      <input
        type="checkbox"
        role="switch"
        checked={checked}
        aria-checked={checked}
        disabled={disabled}
        aria-label={label}
        data-testid={testId}
        onChange={(event) => onChange(event.target.checked)}
      />
      <span className="toggle-track" aria-hidden="true" />
    </label>
  );
}
