/**
 * The Glue Data Catalog as far as partition sensors need it: CreateTable
 * (its partition keys), CreatePartition and GetPartitions with an
 * Expression of comparisons joined by AND (`dt = '2026-12-06' AND hour >= '03'`),
 * compared as strings, or as numbers when both sides are numbers.
 */
import { type Handler, paginate, parseInput, ServiceError } from '../protocol';
import { z } from 'zod';

const Names = { DatabaseName: z.string().min(1), TableName: z.string().min(1) };
const CreateTableInput = z.object({
  DatabaseName: z.string().min(1),
  TableInput: z.object({
    Name: z.string().min(1),
    PartitionKeys: z.array(z.object({ Name: z.string().min(1) })).default([]),
  }),
});
const CreatePartitionInput = z.object({ ...Names, PartitionInput: z.object({ Values: z.array(z.string()) }) });
const GetPartitionsInput = z.object({
  ...Names,
  Expression: z.string().optional(),
  NextToken: z.string().optional(),
  MaxResults: z.number().int().min(1).max(1000).optional(),
});

interface Table {
  keys: string[];
  partitions: Array<{ values: string[]; createdAt: number }>;
}

type Comparison = { column: number; op: string; value: string };

const term = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=|<>|!=|<=|>=|<|>)\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?)\s*$/;

/** The expression's comparisons, each naming a partition key; InvalidInputException for anything else. */
function parseExpression(expression: string, keys: readonly string[]): Comparison[] {
  return expression.split(/\s+AND\s+/i).map((part) => {
    const m = term.exec(part);
    if (!m) throw new ServiceError('InvalidInputException', `Unsupported expression: ${part.trim()}`);
    const [, name = '', op = '', literal = ''] = m;
    const column = keys.indexOf(name);
    if (column < 0) throw new ServiceError('InvalidInputException', `Unknown partition key ${name}`);
    const value = literal.startsWith("'") ? literal.slice(1, -1).replaceAll("''", "'") : literal;
    return { column, op, value };
  });
}

function holds(c: Comparison, values: readonly string[]): boolean {
  const actual = values[c.column] ?? '';
  const numeric = actual !== '' && c.value !== '' && !Number.isNaN(Number(actual)) && !Number.isNaN(Number(c.value));
  const cmp = numeric ? Number(actual) - Number(c.value) : actual < c.value ? -1 : actual > c.value ? 1 : 0;
  switch (c.op) {
    case '=':
      return cmp === 0;
    case '<>':
    case '!=':
      return cmp !== 0;
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    default:
      return cmp >= 0;
  }
}

export class CatalogService {
  private readonly tables = new Map<string, Table>();

  reset(): void {
    this.tables.clear();
  }

  private table(database: string, name: string): Table {
    const t = this.tables.get(`${database}.${name}`);
    if (!t) throw new ServiceError('EntityNotFoundException', `Table ${name} not found in database ${database}`);
    return t;
  }

  readonly handlers: Record<string, Handler> = {
    CreateTable: (raw) => {
      const input = parseInput(CreateTableInput, raw);
      const key = `${input.DatabaseName}.${input.TableInput.Name}`;
      if (this.tables.has(key)) throw new ServiceError('AlreadyExistsException', `Table ${key} already exists`);
      this.tables.set(key, { keys: input.TableInput.PartitionKeys.map((k) => k.Name), partitions: [] });
      return {};
    },
    CreatePartition: (raw, ctx) => {
      const input = parseInput(CreatePartitionInput, raw);
      const t = this.table(input.DatabaseName, input.TableName);
      const values = input.PartitionInput.Values;
      if (values.length !== t.keys.length)
        throw new ServiceError(
          'InvalidInputException',
          `Expected ${t.keys.length} partition values, got ${values.length}`,
        );
      if (t.partitions.some((p) => p.values.join('\u0000') === values.join('\u0000')))
        throw new ServiceError('AlreadyExistsException', 'Partition already exists');
      t.partitions.push({ values, createdAt: ctx.now });
      return {};
    },
    GetPartitions: (raw) => {
      const input = parseInput(GetPartitionsInput, raw);
      const t = this.table(input.DatabaseName, input.TableName);
      const where = input.Expression === undefined ? [] : parseExpression(input.Expression, t.keys);
      const matching = t.partitions.filter((p) => where.every((c) => holds(c, p.values)));
      const { page, next } = paginate(matching, input.NextToken, input.MaxResults ?? 1000, 'InvalidInputException');
      return {
        Partitions: page.map((p) => ({
          Values: p.values,
          DatabaseName: input.DatabaseName,
          TableName: input.TableName,
          CreationTime: p.createdAt / 1000,
        })),
        ...(next !== undefined && { NextToken: next }),
      };
    },
  };
}
