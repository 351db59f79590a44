/**
 * A trigger form from a DAG's `confSchema` (JSON Schema): one field per
 * top-level property, typed by its `type` (an `enum` becomes a choice), with
 * its title, description, default and whether it is required. Anything the
 * form cannot show as a plain field (objects, arrays, unions) is a JSON
 * field of its own; a schema without properties leaves only the JSON mode.
 */

export type ConfFieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'json';

export interface ConfField {
  name: string;
  kind: ConfFieldKind;
  label: string;
  description: string | null;
  required: boolean;
  options: string[] | null;
  /** What the field starts with, as the form holds it (text, or a checkbox's state). */
  initial: string | boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function kindOf(prop: Record<string, unknown>): ConfFieldKind {
  const type = prop.type;
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean') return type;
  if (Array.isArray(prop.enum) && prop.enum.every((v) => typeof v === 'string')) return 'string';
  return 'json';
}

function initialOf(kind: ConfFieldKind, value: unknown): string | boolean {
  if (kind === 'boolean') return value === true;
  if (value === undefined) return '';
  if (kind === 'json') return JSON.stringify(value);
  return String(value);
}

export function confFields(schema: Record<string, unknown> | null): ConfField[] {
  if (!schema || !isRecord(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === 'string') : []);
  return Object.entries(schema.properties).map(([name, raw]) => {
    const prop = isRecord(raw) ? raw : {};
    const kind = kindOf(prop);
    return {
      name,
      kind,
      label: typeof prop.title === 'string' ? prop.title : name,
      description: typeof prop.description === 'string' ? prop.description : null,
      required: required.has(name),
      options: Array.isArray(prop.enum) ? prop.enum.map(String) : null,
      initial: initialOf(kind, prop.default),
    };
  });
}

export type FormValues = Record<string, string | boolean>;

export function initialValues(fields: readonly ConfField[]): FormValues {
  return Object.fromEntries(fields.map((f) => [f.name, f.initial]));
}

/**
 * The conf the form's values make, or the fields whose text cannot be read
 * (a number that is not one, JSON that does not parse). Empty optional
 * fields are left out, so the DAG's own defaults apply.
 */
export function confFromValues(
  fields: readonly ConfField[],
  values: FormValues,
): { ok: true; conf: Record<string, unknown> } | { ok: false; errors: Record<string, string> } {
  const conf: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.name] ?? field.initial;
    if (field.kind === 'boolean') {
      conf[field.name] = value === true;
      continue;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') continue;
    if (field.kind === 'string') conf[field.name] = typeof value === 'string' ? value : '';
    else if (field.kind === 'json') {
      try {
        conf[field.name] = JSON.parse(text);
      } catch {
        errors[field.name] = 'is not valid JSON';
      }
    } else {
      const n = Number(text);
      if (!Number.isFinite(n) || (field.kind === 'integer' && !Number.isInteger(n))) {
        errors[field.name] = field.kind === 'integer' ? 'must be a whole number' : 'must be a number';
      } else conf[field.name] = n;
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, conf };
}

/** The form's values for a conf object (switching from JSON to the form); unknown keys are dropped. */
export function valuesFromConf(fields: readonly ConfField[], conf: Record<string, unknown>): FormValues {
  return Object.fromEntries(
    fields.map((f) => [f.name, f.name in conf ? initialOf(f.kind, conf[f.name]) : f.kind === 'boolean' ? false : '']),
  );
}

/**
 * Where an API issue belongs in the trigger form: `conf.<name>` beside that
 * field, `body.logicalDate` / `body.runId` beside theirs, else the form as a whole.
 */
export function fieldOfIssue(path: string): string {
  const bare = path.replace(/^body\./, '');
  if (bare === 'logicalDate' || bare === 'runId') return `@${bare}`;
  const m = /^conf\.([^.]+)/.exec(bare);
  return m?.[1] ?? '@form';
}
