/** The files `sluice init` writes: a DAG repository that validates, tests and plans its pull requests. */

export function starterFiles(name: string): Record<string, string> {
  return {
    'package.json': `${JSON.stringify(
      {
        name,
        private: true,
        type: 'module',
        scripts: {
          validate: 'sluice dags validate dags',
          test: 'vitest run',
          plan: 'sluice dags plan --format markdown',
        },
        dependencies: { '@sluice/sdk': '^0.1.0' },
        devDependencies: { '@sluice/cli': '^0.1.0', typescript: '^5.9.0', vitest: '^4.1.0', '@types/node': '^20.19.0' },
      },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'ESNext',
          moduleResolution: 'Bundler',
          strict: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: true,
          isolatedModules: true,
          noEmit: true,
          types: ['node'],
        },
        include: ['dags'],
      },
      null,
      2,
    )}\n`,
    '.gitignore': 'node_modules/\n',
    'dags/example_etl.ts': `/** An example DAG: extract → transform → load. Replace it with your own. */
import { dag, fn, shell } from '@sluice/sdk';

export const exampleEtl = dag({
  id: 'example_etl',
  schedule: '@daily',
  timezone: 'UTC',
  start: '2026-01-01',
  defaultArgs: { retries: 2, retryDelay: '30s', executionTimeout: '10m' },
});

export const extract = exampleEtl.task(
  'extract',
  fn(async (ctx) => {
    const day = ctx.dataInterval.start.toISOString().slice(0, 10);
    ctx.log('extracting', day);
    return { day, rows: 1_000 };
  }),
);

export const transform = exampleEtl.task(
  'transform',
  { upstream: [extract] },
  fn(async (ctx) => {
    const { day, rows } = ctx.output(extract);
    return { table: \`events_\${day.replaceAll('-', '')}\`, rows: rows * 2 };
  }),
);

export const load = exampleEtl.task('load', { upstream: [transform] }, shell({ command: 'echo "loading $SLUICE_DS"' }));
`,
    'dags/example_etl.test.ts': `import { testDag } from '@sluice/sdk/testing';
import { describe, expect, it } from 'vitest';
import { exampleEtl, load, transform } from './example_etl';

describe('example_etl', () => {
  it('doubles the rows of the day it runs for', async () => {
    const result = await testDag(exampleEtl, {
      logicalDate: '2026-11-21',
      // A shell task runs with \`sluice dags test\`; here a stub stands in for it.
      stubs: { [load.taskId]: { output: undefined } },
    });
    expect(result.state).toBe('success');
    expect(result.output(transform)).toEqual({ table: 'events_20261121', rows: 2_000 });
  });
});
`,
    '.github/workflows/sluice.yml': `# Checks every pull request: the DAG files load and type-check, their tests
# pass, and a comment says what merging will do (sluice dags plan).
name: sluice
on:
  pull_request:
permissions:
  contents: read
  pull-requests: write
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: npx sluice dags validate dags
      - run: npx vitest run
      - name: Plan
        # Against the base branch; with SLUICE_API_URL set, against what production runs instead.
        env:
          SLUICE_API_URL: \${{ vars.SLUICE_API_URL }}
          SLUICE_API_TOKEN: \${{ secrets.SLUICE_API_TOKEN }}
        run: |
          if [ -n "$SLUICE_API_URL" ]; then against="--against $SLUICE_API_URL"; else against="--base origin/\${{ github.base_ref }}"; fi
          code=0
          npx sluice dags plan $against --format markdown > plan.md || code=$?
          # 0: no change, 3: changes; anything else is an error.
          if [ "$code" != 0 ] && [ "$code" != 3 ]; then cat plan.md; exit "$code"; fi
      - name: Comment the plan
        env:
          GH_TOKEN: \${{ github.token }}
        run: gh pr comment \${{ github.event.pull_request.number }} --edit-last --body-file plan.md || gh pr comment \${{ github.event.pull_request.number }} --body-file plan.md
`,
    'README.md': `# ${name}

Sluice DAGs. Change them by pull request:

\`\`\`sh
npm install
npx sluice dags validate dags      # load and type-check every DAG file
npx vitest run                      # the DAGs' tests (testDag)
npx sluice dags test example_etl    # run a DAG here, no scheduler or database
npx sluice dags plan --base main    # what merging this branch will do
\`\`\`

The CI workflow in \`.github/workflows/sluice.yml\` runs the same checks on every
pull request and comments the plan.
`,
  };
}
