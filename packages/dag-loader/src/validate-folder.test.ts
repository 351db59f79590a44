import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateDagFolder } from './validate-folder';

const fixtures = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('validateDagFolder', () => {
  it('lists the DAGs of a clean folder with their task counts', async () => {
    expect(await validateDagFolder(fixtures('clean'))).toEqual({
      dags: [
        { dagId: 'fixture_etl', fileLoc: 'etl.ts', taskCount: 4 },
        { dagId: 'fixture_first', fileLoc: 'two_dags.ts', taskCount: 1 },
        { dagId: 'fixture_second', fileLoc: 'two_dags.ts', taskCount: 2 },
      ],
      errors: [],
    });
  }, 60_000);

  it('reports a ctx.output type error that loading alone accepts, at its line', async () => {
    const result = await validateDagFolder(fixtures('mixed'), { timeoutMs: 3000 });
    const line =
      readFileSync(fixtures('mixed/type_error.ts'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('type-error-line')) + 1;
    expect(result.dags.map((d) => d.dagId)).toContain('fixture_type_error');
    const typeErrors = result.errors.filter((e) => e.message.startsWith('TS'));
    expect(typeErrors).toEqual([
      {
        fileLoc: 'type_error.ts',
        line,
        column: 59,
        message: expect.stringContaining(`TS2345: Argument of type 'TaskRef<string, "b">' is not assignable`),
      },
    ]);
    // The syntax error is reported once, by the bundler.
    expect(result.errors.filter((e) => e.fileLoc === 'syntax_error.ts')).toHaveLength(1);
  }, 60_000);
});
