import {
  BatchStopJobRunCommand,
  CreateJobCommand,
  GetJobCommand,
  GetJobRunCommand,
  GetJobRunsCommand,
  type GlueClient,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock';
import { type AwsEmulator, startAwsEmulator } from '../server';
import { glueClient, rejection } from '../test-support';

const START = 1000;
const RUN = 3000;
const STOP = 500;

let clock: ManualClock;
let emulator: AwsEmulator;
let glue: GlueClient;

beforeEach(async () => {
  clock = new ManualClock();
  emulator = await startAwsEmulator({
    now: clock.now,
    durations: { jobStartMs: START, jobRunMs: RUN, jobStopMs: STOP },
  });
  glue = glueClient(emulator.url);
});

afterEach(async () => {
  glue.destroy();
  await emulator.close();
});

async function createJob(name: string, extra: { MaxConcurrentRuns?: number; Timeout?: number } = {}): Promise<void> {
  await glue.send(
    new CreateJobCommand({
      Name: name,
      Role: 'arn:aws:iam::000000000000:role/glue',
      Command: { Name: 'glueetl', ScriptLocation: `s3://scripts/${name}.py` },
      DefaultArguments: { '--env': 'test' },
      ExecutionProperty: { MaxConcurrentRuns: extra.MaxConcurrentRuns ?? 1 },
      Timeout: extra.Timeout,
      WorkerType: 'G.1X',
      NumberOfWorkers: 10,
    }),
  );
}

async function start(jobName: string, args: Record<string, string> = {}, timeout?: number): Promise<string> {
  const { JobRunId } = await glue.send(new StartJobRunCommand({ JobName: jobName, Arguments: args, Timeout: timeout }));
  return JobRunId ?? '';
}

async function getRun(jobName: string, runId: string) {
  const { JobRun } = await glue.send(new GetJobRunCommand({ JobName: jobName, RunId: runId }));
  return JobRun;
}

describe('Glue job runs', () => {
  it('goes STARTING → RUNNING → SUCCEEDED with ExecutionTime, DPUSeconds and its Arguments', async () => {
    await createJob('hourly-stats');
    const startedOn = clock.now();
    const runId = await start('hourly-stats', { '--hour': '2024-01-01T05' });
    expect(runId).toMatch(/^jr_[0-9a-f]{64}$/);
    expect((await getRun('hourly-stats', runId))?.JobRunState).toBe('STARTING');
    clock.advance(START);
    expect((await getRun('hourly-stats', runId))?.JobRunState).toBe('RUNNING');
    clock.advance(RUN);
    const run = await getRun('hourly-stats', runId);
    expect(run).toMatchObject({
      Id: runId,
      JobName: 'hourly-stats',
      JobRunState: 'SUCCEEDED',
      Arguments: { '--hour': '2024-01-01T05' },
      WorkerType: 'G.1X',
      NumberOfWorkers: 10,
      ExecutionTime: 3,
      ExecutionClass: 'STANDARD',
    });
    // A standard run reports no DPUSeconds, as in Glue: its cost is time × workers × DPU per worker.
    expect(run?.DPUSeconds).toBeUndefined();
    expect(run?.ErrorMessage).toBeUndefined();
    expect(run?.StartedOn).toEqual(new Date(startedOn));
    expect(run?.CompletedOn).toEqual(new Date(startedOn + START + RUN));
  });

  it('reports DPUSeconds only for Flex and auto-scaling runs', async () => {
    await createJob('hourly-stats', { MaxConcurrentRuns: 3 });
    const standard = await start('hourly-stats');
    const { JobRunId: flex } = await glue.send(
      new StartJobRunCommand({ JobName: 'hourly-stats', ExecutionClass: 'FLEX' }),
    );
    const scaling = await start('hourly-stats', { '--enable-auto-scaling': 'true' });
    clock.advance(START + RUN);
    expect((await getRun('hourly-stats', standard))?.DPUSeconds).toBeUndefined();
    expect(await getRun('hourly-stats', flex ?? '')).toMatchObject({
      ExecutionClass: 'FLEX',
      ExecutionTime: 3,
      DPUSeconds: 30,
    });
    expect(await getRun('hourly-stats', scaling)).toMatchObject({
      ExecutionClass: 'STANDARD',
      ExecutionTime: 3,
      DPUSeconds: 30,
    });
  });

  it('fails a run whose arguments match a rule, with the ErrorMessage it sets', async () => {
    emulator.control.addJobRunRule({
      name: 'hourly',
      args: '--hour=2024-01-01T06',
      errorMessage: 'AnalysisException: path not found',
    });
    await createJob('hourly-stats', { MaxConcurrentRuns: 2 });
    const good = await start('hourly-stats', { '--hour': '2024-01-01T05' });
    const bad = await start('hourly-stats', { '--hour': '2024-01-01T06' });
    clock.advance(START + RUN);
    expect((await getRun('hourly-stats', good))?.JobRunState).toBe('SUCCEEDED');
    const failed = await getRun('hourly-stats', bad);
    expect(failed?.JobRunState).toBe('FAILED');
    expect(failed?.ErrorMessage).toBe('AnalysisException: path not found');
  });

  it('times out a run that outlives its Timeout minutes, counted from StartedOn', async () => {
    await createJob('slow');
    emulator.control.setDurations({ jobRunMs: 10 * 60_000 });
    const runId = await start('slow', {}, 2);
    clock.advance(2 * 60_000 - 1);
    expect((await getRun('slow', runId))?.JobRunState).toBe('RUNNING');
    clock.advance(1);
    const run = await getRun('slow', runId);
    expect(run?.JobRunState).toBe('TIMEOUT');
    expect(run?.ErrorMessage).toContain('timeout of 2 minutes');
    expect(run?.ExecutionTime).toBe((2 * 60_000 - START) / 1000);
  });

  it('ends a run TIMEOUT when a rule says so', async () => {
    emulator.control.addJobRunRule({ name: '^slow$', outcome: 'TIMEOUT' });
    await createJob('slow');
    const runId = await start('slow');
    clock.advance(START + RUN);
    expect((await getRun('slow', runId))?.JobRunState).toBe('TIMEOUT');
  });

  it('stops a running run through STOPPING to STOPPED, and reports runs it cannot stop', async () => {
    await createJob('stoppable', { MaxConcurrentRuns: 2 });
    const running = await start('stoppable');
    const finished = await start('stoppable');
    clock.advance(START);
    emulator.control.setDurations({ jobRunMs: 60_000 });
    const stopped = await glue.send(
      new BatchStopJobRunCommand({ JobName: 'stoppable', JobRunIds: [running, 'jr_nope'] }),
    );
    expect(stopped.SuccessfulSubmissions).toEqual([{ JobName: 'stoppable', JobRunId: running }]);
    expect(stopped.Errors?.[0]?.ErrorDetail?.ErrorCode).toBe('EntityNotFoundException');
    expect((await getRun('stoppable', running))?.JobRunState).toBe('STOPPING');
    clock.advance(STOP);
    expect((await getRun('stoppable', running))?.JobRunState).toBe('STOPPED');

    clock.advance(60_000);
    expect((await getRun('stoppable', finished))?.JobRunState).toBe('SUCCEEDED');
    const late = await glue.send(new BatchStopJobRunCommand({ JobName: 'stoppable', JobRunIds: [finished] }));
    expect(late.SuccessfulSubmissions).toEqual([]);
    expect(late.Errors?.[0]?.JobRunId).toBe(finished);
  });

  it('refuses a run beyond MaxConcurrentRuns with ConcurrentRunsExceededException until one ends', async () => {
    await createJob('single');
    await start('single');
    const error = await rejection(start('single'));
    expect(error.name).toBe('ConcurrentRunsExceededException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    clock.advance(START + RUN);
    await expect(start('single')).resolves.toMatch(/^jr_/);
    expect(emulator.control.state().glue.jobRuns).toHaveLength(2);
  });

  it('lists a job’s runs newest first', async () => {
    await createJob('many', { MaxConcurrentRuns: 5 });
    const first = await start('many');
    clock.advance(10);
    const second = await start('many');
    const { JobRuns } = await glue.send(new GetJobRunsCommand({ JobName: 'many' }));
    expect(JobRuns?.map((run) => run.Id)).toEqual([second, first]);
  });

  it('returns the job as created', async () => {
    await createJob('described', { MaxConcurrentRuns: 3, Timeout: 30 });
    const { Job } = await glue.send(new GetJobCommand({ JobName: 'described' }));
    expect(Job).toMatchObject({
      Name: 'described',
      ExecutionProperty: { MaxConcurrentRuns: 3 },
      Timeout: 30,
      DefaultArguments: { '--env': 'test' },
      MaxCapacity: 10,
    });
  });
});

describe('Glue errors', () => {
  it('answers EntityNotFoundException for an unknown job or run', async () => {
    const noJob = await rejection(start('ghost'));
    expect(noJob.name).toBe('EntityNotFoundException');
    await createJob('real');
    const noRun = await rejection(getRun('real', 'jr_missing'));
    expect(noRun.name).toBe('EntityNotFoundException');
    expect(noRun.$metadata?.httpStatusCode).toBe(400);
  });

  it('answers ValidationException naming the member CreateJob lacks', async () => {
    const error = await rejection(
      glue.send(new CreateJobCommand({ Name: 'no-role', Role: undefined, Command: { Name: 'glueetl' } })),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain("'role'");
  });

  it('answers AlreadyExistsException for a second job with the same name', async () => {
    await createJob('twice');
    expect((await rejection(createJob('twice'))).name).toBe('AlreadyExistsException');
  });
});
