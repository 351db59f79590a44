import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDagFolder } from '@sluice/dag-loader';
import { indexDagVersion } from '@sluice/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalRunner } from './local-runner';

const dir = mkdtempSync(path.join(tmpdir(), 'sluice-local-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function loadVersion() {
  writeFileSync(
    path.join(dir, 'local.ts'),
    `import { dag, fn, glue } from '@sluice/sdk';
const d = dag({ id: 'local' });
const first = d.task('first', fn(async (ctx) => ({ env: process.env.SLUICE_TASK_ID, secret: process.env.DATABASE_URL ?? null })));
d.task('second', { upstream: [first] }, fn(async (ctx) => ctx.output(first).env + '!'));
d.task('job', glue.startJobRun({ jobName: 'nightly', connection: 'prod' }));
`,
  );
  const { dags, errors } = await loadDagFolder(dir);
  expect(errors).toEqual([]);
  const loaded = dags[0];
  if (!loaded) throw new Error('no DAG loaded');
  return indexDagVersion('local:test', loaded.hash, loaded.spec, loaded.bundle);
}

function run(taskId: string) {
  const day = new Date('2026-11-21T00:00:00Z');
  return {
    dagId: 'local',
    runId: 'test__1',
    taskId,
    logicalDate: day,
    dataInterval: { start: day, end: new Date('2026-11-22T00:00:00Z') },
    conf: {},
    tryNumber: 1,
    maxTries: 1,
  };
}

describe('createLocalRunner', () => {
  it('runs fn tasks from the bundle in a task process with the run facts and none of this process env', async () => {
    const version = await loadVersion();
    const runner = createLocalRunner();
    const before = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://never-seen';
    try {
      const task = (id: string) => {
        const t = version.tasks.get(id);
        if (!t) throw new Error(`no task ${id}`);
        return t;
      };
      const signal = new AbortController().signal;
      const log = () => undefined;
      const first = await runner.runTry({
        version,
        task: task('first'),
        run: run('first'),
        upstreamOutputs: new Map(),
        signal,
        log,
      });
      expect(first).toEqual({ env: 'first', secret: null });
      const second = await runner.runTry({
        version,
        task: task('second'),
        run: run('second'),
        upstreamOutputs: new Map([['first', first]]),
        signal,
        log,
      });
      expect(second).toBe('first!');
      await expect(
        runner.runTry({ version, task: task('job'), run: run('job'), upstreamOutputs: new Map(), signal, log }),
      ).rejects.toThrow('task uses connection "prod", which lives in Sluice\'s database');
    } finally {
      runner.close();
      if (before === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = before;
    }
  });
});
