/**
 * Sluice's Prometheus metrics, one registry per process. Every process
 * registers every metric, so a dashboard finds each name on each target;
 * each process moves the ones it observes. Gauges of the whole deployment
 * (queue depth, task instances by state…) are read when scraped, from a
 * probe the process supplies. Label values that come from DAG files are
 * bounded (see BoundedLabels), so a DAG with thousands of tasks cannot
 * blow up the series count.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the deployment looks like right now, as read at scrape time. */
export interface ClusterProbe {
  /** Jobs per BullMQ state, per queue. */
  queueJobs(): Promise<Array<{ queue: string; state: string; count: number }>>;
  counts(): Promise<{
    taskInstances: Record<string, number>;
    oldestQueuedAgeSeconds: number;
    importErrors: number;
    schedulerHeartbeatAgeSeconds: number | null;
  }>;
  /** The queue whose oldest queued try `counts` measures. */
  queueName: string;
}

/** Connections of this process's Postgres pool. */
export interface PoolProbe {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Keeps at most `max` distinct label pairs; later ones are counted under `_other`. */
export class BoundedLabels {
  readonly #seen = new Set<string>();
  constructor(readonly max: number) {}

  pair(a: string, b: string): [string, string] {
    const key = `${a}\u0000${b}`;
    if (this.#seen.has(key)) return [a, b];
    if (this.#seen.size < this.max) {
      this.#seen.add(key);
      return [a, b];
    }
    return ['_other', '_other'];
  }
}

const seconds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const taskSeconds = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600];

export type SluiceMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(opts: { component: 'api' | 'scheduler' | 'worker'; maxTaskSeries?: number }) {
  const registry = new Registry();
  registry.setDefaultLabels({ component: opts.component });
  // Event-loop lag, heap, GC, CPU: prom-client's process metrics (nodejs_eventloop_lag_seconds…).
  collectDefaultMetrics({ register: registry, prefix: 'sluice_process_', eventLoopMonitoringPrecision: 10 });
  const registers = [registry];
  let cluster: ClusterProbe | null = null;
  let pool: PoolProbe | null = null;
  const taskLabels = new BoundedLabels(opts.maxTaskSeries ?? 500);

  const m = {
    registry,
    schedulerPassSeconds: new Histogram({
      name: 'sluice_scheduler_pass_duration_seconds',
      help: 'How long one scheduler pass took',
      buckets: seconds,
      registers,
    }),
    runStartLagSeconds: new Histogram({
      name: 'sluice_run_start_lag_seconds',
      help: 'From when a run could start (its run-after, or when a manual run was queued) to when it started',
      buckets: seconds,
      registers,
    }),
    handoffSeconds: new Histogram({
      name: 'sluice_handoff_latency_seconds',
      help: 'From a task ending to a downstream task it made ready starting in the same worker slot',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    taskSeconds: new Histogram({
      name: 'sluice_task_duration_seconds',
      help: 'How long a try ran, by DAG, task and outcome (at most 500 DAG/task pairs per process; more count as _other)',
      labelNames: ['dag_id', 'task_id', 'outcome'],
      buckets: taskSeconds,
      registers,
    }),
    triesTotal: new Counter({
      name: 'sluice_task_tries_total',
      help: 'Tries that ended, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    deferredChecksTotal: new Counter({
      name: 'sluice_deferred_checks_total',
      help: 'Checks of an external job a deferred try waits on, by what they found',
      labelNames: ['result'],
      registers,
    }),
    dagParseSeconds: new Histogram({
      name: 'sluice_dag_parse_duration_seconds',
      help: 'How long a parse of the DAGs folder took',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    dagImportErrors: new Gauge({
      name: 'sluice_dag_import_errors',
      help: 'DAG files that failed to load at the last parse',
      registers,
      async collect() {
        if (cluster) this.set((await cluster.counts()).importErrors);
      },
    }),
    awsCallsTotal: new Counter({
      name: 'sluice_aws_calls_total',
      help: 'AWS API calls made by operators and notifiers, by service and operation',
      labelNames: ['service', 'operation'],
      registers,
    }),
    awsErrorsTotal: new Counter({
      name: 'sluice_aws_call_errors_total',
      help: 'AWS API calls that failed, by service, operation and error code',
      labelNames: ['service', 'operation', 'code'],
      registers,
    }),
    callbacksTotal: new Counter({
      name: 'sluice_callbacks_total',
      help: 'Callback attempts, by event, kind and outcome',
      labelNames: ['event', 'kind', 'outcome'],
      registers,
    }),
    deadlineMissesTotal: new Counter({
      name: 'sluice_deadline_misses_total',
      help: 'Runs found past their deadline',
      registers,
    }),
    queueJobs: new Gauge({
      name: 'sluice_queue_jobs',
      help: 'Jobs in the BullMQ queue, by state (waiting is the backlog)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        if (!cluster) return;
        this.reset();
        for (const j of await cluster.queueJobs()) this.set({ queue: j.queue, state: j.state }, j.count);
      },
    }),
    oldestQueuedAge: new Gauge({
      name: 'sluice_queue_oldest_queued_age_seconds',
      help: 'Age of the oldest try queued and not started',
      labelNames: ['queue'],
      registers,
      async collect() {
        if (cluster) this.set({ queue: cluster.queueName }, (await cluster.counts()).oldestQueuedAgeSeconds);
      },
    }),
    taskInstances: new Gauge({
      name: 'sluice_task_instances',
      help: 'Task instances in each unfinished state (deferred: waits on an external job)',
      labelNames: ['state'],
      registers,
      async collect() {
        if (!cluster) return;
        this.reset();
        const { taskInstances } = await cluster.counts();
        for (const state of ['none', 'scheduled', 'queued', 'running', 'up_for_retry', 'deferred'])
          this.set({ state }, taskInstances[state] ?? 0);
      },
    }),
    schedulerHeartbeatAge: new Gauge({
      name: 'sluice_scheduler_heartbeat_age_seconds',
      help: 'Age of the newest scheduler heartbeat',
      registers,
      async collect() {
        if (!cluster) return;
        const age = (await cluster.counts()).schedulerHeartbeatAgeSeconds;
        if (age !== null) this.set(age);
      },
    }),
    dbPool: new Gauge({
      name: 'sluice_db_pool_connections',
      help: "This process's Postgres pool: total, idle, and requests waiting for a connection",
      labelNames: ['state'],
      registers,
      collect() {
        if (!pool) return;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    }),
    /** Records a try's end. */
    tryEnded(t: { dagId: string; taskId: string; outcome: string; seconds: number }): void {
      const [dagId, taskId] = taskLabels.pair(t.dagId, t.taskId);
      m.taskSeconds.observe({ dag_id: dagId, task_id: taskId, outcome: t.outcome }, t.seconds);
      m.triesTotal.inc({ outcome: t.outcome });
    },
    /** Reads deployment-wide gauges from `probe` at each scrape (the scheduler and API do; workers need not). */
    watchCluster(probe: ClusterProbe): void {
      // One read per scrape, shared by the gauges that need it.
      let pending: { at: number; value: ReturnType<ClusterProbe['counts']> } | null = null;
      cluster = {
        ...probe,
        queueJobs: () => probe.queueJobs(),
        counts: () => {
          const now = Date.now();
          if (!pending || now - pending.at > 500) pending = { at: now, value: probe.counts() };
          return pending.value;
        },
      };
    },
    watchPool(p: PoolProbe): void {
      pool = p;
    },
  };
  return m;
}
