import type { ReactNode } from 'react';

interface FieldProps {
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  testId: string;
  type?: 'text' | 'password' | 'number';
  name?: string;
  autoComplete?: string;
  placeholder?: string;
  required?: boolean;
  inputMode?: 'text' | 'numeric';
}

/** A labelled text input of the app's forms. */
export function TextField({ label, value, onChange, testId, type = 'text', ...rest }: FieldProps) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input
        className="text-input"
        type={type}
        data-testid={testId}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        {...rest}
      />
    </label>
  );
}

interface SelectProps<T extends string> {
  label: ReactNode;
  value: T;
  options: readonly T[];
  onChange(value: T): void;
  testId: string;
}

/** A labelled choice among a few fixed values (a role, say). */
export function SelectField<T extends string>({ label, value, options, onChange, testId }: SelectProps<T>) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select
        className="text-input"
        data-testid={testId}
        value={value}
        onChange={(event) => {
          const picked = options.find((o) => o === event.target.value);
          if (picked !== undefined) onChange(picked);
        }}
      >
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}
