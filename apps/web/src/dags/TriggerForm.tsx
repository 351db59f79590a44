import type { ConfField, FormValues } from './confSchema';

/** A field's message: the API's or the form's own, beside the field it names. */
export function FieldError({ message, testId }: { message: string | undefined; testId: string }) {
  if (!message) return null;
  return (
    <span className="field-error" data-testid={testId} role="alert">
      {message}
    </span>
  );
}

/** The conf fields the DAG's confSchema describes. */
export function ConfFormFields({
  fields,
  values,
  errors,
  onChange,
}: {
  fields: readonly ConfField[];
  values: FormValues;
  errors: Record<string, string>;
  onChange(name: string, value: string | boolean): void;
}) {
  return (
    <>
      {fields.map((field) => {
        const id = `conf-field-${field.name}`;
        const value = values[field.name] ?? field.initial;
        const error = errors[field.name];
        const described = field.description ? `${id}-help` : undefined;
        return (
          <div key={field.name} className={`field${error ? ' has-error' : ''}`}>
            {field.kind === 'boolean' ? (
              <label className="checkbox">
                <input
                  id={id}
                  type="checkbox"
                  data-testid={id}
                  checked={value === true}
                  aria-describedby={described}
                  onChange={(e) => onChange(field.name, e.target.checked)}
                />{' '}
                {field.label}
              </label>
            ) : (
              <>
                <label className="field-label" htmlFor={id}>
                  {field.label}
                  {field.required && <span aria-hidden="true"> *</span>}
                  <span className="muted small"> ({field.kind})</span>
                </label>
                {field.options ? (
                  <select
                    id={id}
                    className="text-input"
                    data-testid={id}
                    value={typeof value === 'string' ? value : ''}
                    required={field.required}
                    aria-describedby={described}
                    aria-invalid={error ? true : undefined}
                    onChange={(e) => onChange(field.name, e.target.value)}
                  >
                    {!field.required && <option value="">(not set)</option>}
                    {field.options.map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    id={id}
                    className={`text-input${field.kind === 'json' ? ' code-input' : ''}`}
                    data-testid={id}
                    inputMode={field.kind === 'number' || field.kind === 'integer' ? 'decimal' : undefined}
                    value={typeof value === 'string' ? value : ''}
                    required={field.required}
                    aria-describedby={described}
                    aria-invalid={error ? true : undefined}
                    onChange={(e) => onChange(field.name, e.target.value)}
                  />
                )}
              </>
            )}
            {field.description && (
              <span id={described} className="muted small">
                {field.description}
              </span>
            )}
            <FieldError message={error} testId={`${id}-error`} />
          </div>
        );
      })}
    </>
  );
}
