import { describe, expect, it } from 'vitest';
import { confFields, confFromValues, fieldOfIssue, initialValues, valuesFromConf } from './confSchema';

const schema = {
  type: 'object',
  properties: {
    day: { type: 'string', description: 'the day to reprocess', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    mode: { enum: ['append', 'overwrite'], default: 'append' },
    rows: { type: 'integer', title: 'Row limit' },
    ratio: { type: 'number', default: 0.5 },
    dryRun: { type: 'boolean', default: true },
    tables: { type: 'array', items: { type: 'string' } },
  },
  required: ['day'],
};

describe('confFields', () => {
  it('makes one typed field per property with its label, description, default, choices and requiredness', () => {
    expect(confFields(schema)).toEqual([
      {
        name: 'day',
        kind: 'string',
        label: 'day',
        description: 'the day to reprocess',
        required: true,
        options: null,
        initial: '',
      },
      {
        name: 'mode',
        kind: 'string',
        label: 'mode',
        description: null,
        required: false,
        options: ['append', 'overwrite'],
        initial: 'append',
      },
      {
        name: 'rows',
        kind: 'integer',
        label: 'Row limit',
        description: null,
        required: false,
        options: null,
        initial: '',
      },
      {
        name: 'ratio',
        kind: 'number',
        label: 'ratio',
        description: null,
        required: false,
        options: null,
        initial: '0.5',
      },
      {
        name: 'dryRun',
        kind: 'boolean',
        label: 'dryRun',
        description: null,
        required: false,
        options: null,
        initial: true,
      },
      { name: 'tables', kind: 'json', label: 'tables', description: null, required: false, options: null, initial: '' },
    ]);
  });

  it('has no fields without a schema or its properties', () => {
    expect(confFields(null)).toEqual([]);
    expect(confFields({ type: 'object' })).toEqual([]);
  });
});

describe('confFromValues', () => {
  const fields = confFields(schema);

  it('types each value and leaves out empty optional fields', () => {
    const values = { ...initialValues(fields), day: '2026-11-20', rows: '12', tables: '["a","b"]' };
    expect(confFromValues(fields, values)).toEqual({
      ok: true,
      conf: { day: '2026-11-20', mode: 'append', rows: 12, ratio: 0.5, dryRun: true, tables: ['a', 'b'] },
    });
  });

  it('names each field whose text cannot be read', () => {
    expect(confFromValues(fields, { rows: '1.5', ratio: 'lots', tables: '[' })).toEqual({
      ok: false,
      errors: { rows: 'must be a whole number', ratio: 'must be a number', tables: 'is not valid JSON' },
    });
  });

  it('reads a conf back into the form, as switching from JSON does', () => {
    expect(valuesFromConf(fields, { day: 'x', rows: 3, dryRun: false, tables: [1], other: 1 })).toEqual({
      day: 'x',
      mode: '',
      rows: '3',
      ratio: '',
      dryRun: false,
      tables: '[1]',
    });
  });
});

it('puts an API issue beside the field it names', () => {
  expect(fieldOfIssue('conf.day')).toBe('day');
  expect(fieldOfIssue('body.conf.day')).toBe('day');
  expect(fieldOfIssue('body.logicalDate')).toBe('@logicalDate');
  expect(fieldOfIssue('body.runId')).toBe('@runId');
  expect(fieldOfIssue('conf')).toBe('@form');
});
