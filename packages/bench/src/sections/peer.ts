/**
 * 3. The peer: the same work through bare BullMQ in the same run, on the
 * same Redis. The BullMQ worker runs in the benchmark process (it is idle
 * otherwise); timestamps are taken where Sluice's are: a job's start when
 * its processor is entered, its end when the processor returns.
 */
import { FlowProducer, Queue, Worker, type FlowJob } from 'bullmq';
import { Redis } from 'ioredis';
import { chainGaps, latencySummary, spread, type LatencySummary, type Spread } from '../stats';
import { deletePrefix } from '../stack';

export interface PeerThroughputResult {
  jobs: number;
  concurrency: number;
  /** The first rep, run the same way and not counted (as Sluice's). */
  warmup: { ms: number; jobsPerSec: number };
  reps: Array<{ ms: number; jobsPerSec: number }>;
  jobsPerSec: Spread;
}

export interface PeerFlowResult {
  chainLength: number;
  reps: LatencySummary[];
  p50: Spread;
  p95: Spread;
  p99: Spread;
}

const now = () => performance.timeOrigin + performance.now();

function connect(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

async function withTimeout<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function bullmqThroughput(
  redisUrl: string,
  prefix: string,
  opts: { jobs: number; reps: number; concurrency: number; timeoutMs: number },
): Promise<PeerThroughputResult> {
  const reps: PeerThroughputResult['reps'] = [];
  for (let i = 0; i <= opts.reps; i++) {
    const connection = connect(redisUrl);
    const name = `peer-tp-${i}`;
    const queue = new Queue(name, {
      connection,
      prefix,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
    });
    let done = 0;
    let last = 0;
    let resolveAll: () => void = () => undefined;
    const all = new Promise<void>((r) => (resolveAll = r));
    const worker = new Worker(
      name,
      async () => {
        last = now();
        if (++done === opts.jobs) resolveAll();
      },
      { connection, prefix, concurrency: opts.concurrency },
    );
    try {
      await worker.waitUntilReady();
      const t0 = now();
      for (let k = 0; k < opts.jobs; k += 1000) {
        const n = Math.min(1000, opts.jobs - k);
        await queue.addBulk(Array.from({ length: n }, (_, j) => ({ name: 'noop', data: { k: k + j } })));
      }
      await withTimeout(`${opts.jobs} BullMQ jobs`, opts.timeoutMs, all);
      const ms = last - t0;
      reps.push({ ms, jobsPerSec: (opts.jobs / ms) * 1000 });
    } finally {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      connection.disconnect();
    }
  }
  await cleanPrefix(redisUrl, prefix);
  const [warmup, ...counted] = reps;
  if (!warmup) throw new Error('no BullMQ rep ran');
  return {
    jobs: opts.jobs,
    concurrency: opts.concurrency,
    warmup,
    reps: counted,
    jobsPerSec: spread(counted.map((r) => r.jobsPerSec)),
  };
}

/** A chain as BullMQ expresses one: each job the only child of the next, so a parent waits for its child. */
export function flowChain(queueName: string, length: number): FlowJob {
  let job: FlowJob = { name: 'hop', queueName, data: { i: 0 } };
  for (let i = 1; i < length; i++) job = { name: 'hop', queueName, data: { i }, children: [job] };
  return job;
}

export async function bullmqFlowChain(
  redisUrl: string,
  prefix: string,
  opts: { chainLength: number; reps: number; concurrency: number; timeoutMs: number },
): Promise<PeerFlowResult> {
  const reps: LatencySummary[] = [];
  for (let i = 0; i < opts.reps; i++) {
    const connection = connect(redisUrl);
    const name = `peer-flow-${i + 1}`;
    const flows = new FlowProducer({ connection, prefix });
    const times = Array.from({ length: opts.chainLength }, () => ({ start: Number.NaN, end: Number.NaN }));
    let resolveAll: () => void = () => undefined;
    const all = new Promise<void>((r) => (resolveAll = r));
    const worker = new Worker(
      name,
      async (job) => {
        const idx = (job.data as { i: number }).i;
        const t = times[idx];
        if (t) t.start = now();
        if (t) t.end = now();
        if (idx === opts.chainLength - 1) resolveAll();
      },
      { connection, prefix, concurrency: opts.concurrency, removeOnComplete: { count: 0 } },
    );
    try {
      await worker.waitUntilReady();
      await flows.add(flowChain(name, opts.chainLength));
      await withTimeout(`a ${opts.chainLength}-job BullMQ flow`, opts.timeoutMs, all);
      reps.push(latencySummary(chainGaps(times)));
    } finally {
      await worker.close();
      await flows.close();
      const queue = new Queue(name, { connection, prefix });
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      connection.disconnect();
    }
  }
  await cleanPrefix(redisUrl, prefix);
  return {
    chainLength: opts.chainLength,
    reps,
    p50: spread(reps.map((r) => r.p50)),
    p95: spread(reps.map((r) => r.p95)),
    p99: spread(reps.map((r) => r.p99)),
  };
}

/** Deletes every key under `prefix:` over a connection of its own. */
export async function cleanPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = connect(redisUrl);
  try {
    await deletePrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}
