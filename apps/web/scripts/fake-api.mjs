#!/usr/bin/env node
/**
 * Serves the built UI (apps/web/dist, with SPA fallback) and a fake /api/v1
 * shaped like the REST contract, with runs that progress on their own — for
 * looking at the UI without Postgres, Redis, a scheduler or workers.
 *
 *   npm run build -w @sluice/web && node apps/web/scripts/fake-api.mjs [port]
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const PORT = Number(process.argv[2] ?? process.env.PORT ?? 4173);
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const TICK_MS = 1000;
const DAY = 86_400_000;
const HOUR = 3_600_000;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.json': 'application/json',
};

// ---------------------------------------------------------------- the DAGs

const t = (taskId, operator, upstream = [], retries = 0) => ({
  taskId,
  operator,
  upstream,
  triggerRule: 'all_success',
  retries,
});

const dags = [
  {
    dagId: 'smartnews_emr_daily',
    description: 'Daily click/impression batch on EMR, loaded into Redshift',
    schedule: '0 3 * * *',
    timezone: 'UTC',
    owner: 'data-eng',
    tags: ['emr', 'daily', 'redshift'],
    isPaused: false,
    fileLoc: 'smartnews_emr_daily.ts',
    versionHash: '9f2c1e77ab34d0c1e2f3',
    period: DAY,
    tasks: [
      t('wait_for_partitions', 'http'),
      t('create_cluster', 'emr', ['wait_for_partitions']),
      t('extract_clicks', 'emr_step', ['create_cluster'], 2),
      t('extract_impressions', 'emr_step', ['create_cluster'], 2),
      t('join_events', 'emr_step', ['extract_clicks', 'extract_impressions'], 1),
      t('load_redshift', 'shell', ['join_events'], 3),
      t('terminate_cluster', 'emr', ['join_events']),
      t('notify_slack', 'http', ['load_redshift']),
    ],
  },
  {
    dagId: 'hourly_glue_stats',
    description: 'Hourly ad stats aggregated by Glue jobs',
    schedule: '@hourly',
    timezone: 'Asia/Tokyo',
    owner: 'analytics',
    tags: ['glue', 'hourly'],
    isPaused: true,
    fileLoc: 'hourly_glue_stats.ts',
    versionHash: '41aa0b9de3c2117f0e5d',
    period: HOUR,
    tasks: [
      t('start_crawler', 'glue'),
      t('aggregate_stats', 'glue', ['start_crawler'], 2),
      t('publish', 'function', ['aggregate_stats']),
    ],
  },
  {
    dagId: 'audience_corrections',
    description: null,
    schedule: null,
    timezone: 'UTC',
    owner: null,
    tags: [],
    isPaused: false,
    fileLoc: 'audience/corrections.ts',
    versionHash: '0b7e55c3aa1d29f40c8e',
    period: DAY,
    tasks: [
      t('fetch_corrections', 'http'),
      t('apply_corrections', 'shell', ['fetch_corrections']),
      t('validate', 'function', ['apply_corrections']),
    ],
  },
];

const importErrors = [
  {
    fileLoc: 'broken_pipeline.ts',
    line: 14,
    column: 5,
    message: 'task "load" names unknown upstream "extrct"',
    createdAt: new Date().toISOString(),
  },
  { fileLoc: 'cycle.ts', line: null, column: null, message: 'cycle: a → b → a', createdAt: new Date().toISOString() },
];

// ---------------------------------------------------------------- runs

/** dagId → runs, oldest first. A run holds its task instances by task id. */
const runs = new Map(dags.map((dag) => [dag.dagId, []]));
let now = Date.now();
const iso = (ms) => (ms === null ? null : new Date(ms).toISOString());

function newTi(task) {
  return {
    task,
    state: 'none',
    tryNumber: 0,
    maxTries: task.retries + 1,
    startedAt: null,
    endedAt: null,
    tries: [],
    logs: {},
    due: 0,
  };
}

function createRun(dag, logicalDate, runType, conf = {}, outcome = 'live') {
  const prefix = runType === 'scheduled' ? 'scheduled' : 'manual';
  const run = {
    dag,
    runId: `${prefix}__${new Date(logicalDate).toISOString()}`,
    runType,
    state: 'queued',
    logicalDate,
    conf,
    startedAt: null,
    endedAt: null,
    tis: new Map(dag.tasks.map((task) => [task.taskId, newTi(task)])),
    outcome,
  };
  runs.get(dag.dagId).push(run);
  return run;
}

function log(ti, stream, text) {
  ti.logs[ti.tryNumber] ??= [];
  const lines = ti.logs[ti.tryNumber];
  lines.push({ seq: lines.length + 1, stream, at: iso(now), text });
}

function startTry(ti) {
  ti.tryNumber += 1;
  ti.state = 'running';
  ti.startedAt = now;
  ti.endedAt = null;
  ti.due = now + (2 + Math.floor(Math.random() * 4)) * TICK_MS;
  ti.tries.push({
    tryNumber: ti.tryNumber,
    state: 'running',
    startedAt: now,
    endedAt: null,
    hostname: 'worker-1',
    error: null,
  });
  log(ti, 'system', `try ${ti.tryNumber}/${ti.maxTries} started on worker-1`);
}

function endTry(ti, state, error = null) {
  ti.state = state;
  ti.endedAt = now;
  const last = ti.tries.at(-1);
  if (last) Object.assign(last, { state, endedAt: now, error });
  log(ti, 'system', `try ${ti.tryNumber} ended: ${state}`);
}

/** Moves one run a step forward, the way the scheduler and workers would. */
function advance(run, ignorePause = false) {
  if (run.state === 'success' || run.state === 'failed') return;
  if (run.state === 'queued') {
    if (run.dag.isPaused && !ignorePause) return;
    run.state = 'running';
    run.startedAt = now;
  }
  for (const ti of run.tis.values()) {
    const ups = ti.task.upstream.map((id) => run.tis.get(id).state);
    switch (ti.state) {
      case 'none':
        if (ups.some((s) => s === 'failed' || s === 'upstream_failed')) {
          ti.state = 'upstream_failed';
          ti.endedAt = now;
        } else if (ups.every((s) => s === 'success' || s === 'skipped')) ti.state = 'scheduled';
        break;
      case 'scheduled':
        ti.state = 'queued';
        break;
      case 'queued':
        startTry(ti);
        break;
      case 'up_for_retry':
        if (now >= ti.due) startTry(ti);
        break;
      case 'running': {
        log(ti, 'stdout', `processed ${Math.floor(Math.random() * 90_000) + 10_000} rows`);
        if (Math.random() < 0.2) log(ti, 'stderr', 'WARN slow partition s3://events/dt=… (retrying read)');
        if (now < ti.due) break;
        const fails = run.outcome === 'flaky' && ti.task.taskId === 'load_redshift' && ti.tryNumber === 1;
        if (fails) {
          endTry(ti, 'up_for_retry', {
            name: 'CommandFailedError',
            message: 'psql exited with code 2: connection reset',
          });
          ti.due = now + 3 * TICK_MS;
        } else endTry(ti, 'success');
        break;
      }
      default:
        break;
    }
  }
  const states = [...run.tis.values()].map((ti) => ti.state);
  const terminal = ['success', 'failed', 'upstream_failed', 'skipped'];
  if (states.every((s) => terminal.includes(s))) {
    run.state = states.some((s) => s === 'failed' || s === 'upstream_failed') ? 'failed' : 'success';
    run.endedAt = now;
  }
}

/** Plays a run through to its end in simulated time, optionally failing one task. */
function settle(run, failTask) {
  const start = now;
  now = run.logicalDate + run.dag.period;
  for (let step = 0; step < 200 && run.state !== 'success' && run.state !== 'failed'; step += 1) {
    if (failTask) {
      const ti = run.tis.get(failTask);
      if (ti.state === 'running') {
        log(ti, 'stderr', 'Traceback: step failed with exit code 1');
        endTry(ti, 'failed', {
          name: 'EmrStepFailed',
          message: 'Step s-3KX9 FAILED: ExecutionException (exit code 1)',
        });
      }
    }
    now += TICK_MS * 3;
    advance(run, true);
  }
  now = start;
}

function seed() {
  const daily = dags[0];
  // The newest interval that has ended: its run is the live one.
  const latest = Math.floor((Date.now() - 3 * HOUR) / DAY) * DAY + 3 * HOUR - DAY;
  for (let i = 11; i >= 1; i -= 1) {
    const run = createRun(daily, latest - i * DAY, 'scheduled', {}, i === 4 ? 'flaky' : 'live');
    settle(run, i === 7 ? 'join_events' : i === 2 ? 'extract_clicks' : undefined);
  }
  createRun(daily, latest, 'scheduled', {}, 'flaky');
  const hourly = dags[1];
  const lastHour = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  for (let i = 6; i >= 1; i -= 1) settle(createRun(hourly, lastHour - i * HOUR, 'scheduled'));
}

seed();
setInterval(() => {
  now = Date.now();
  for (const list of runs.values()) for (const run of list) advance(run);
}, TICK_MS).unref();

// ---------------------------------------------------------------- JSON shapes

const runSummary = (run) => ({
  runId: run.runId,
  state: run.state,
  runType: run.runType,
  logicalDate: iso(run.logicalDate),
  dataIntervalStart: iso(run.logicalDate),
  dataIntervalEnd: iso(run.logicalDate + run.dag.period),
  startedAt: iso(run.startedAt),
  endedAt: iso(run.endedAt),
});

const dagSummary = (dag) => ({
  dagId: dag.dagId,
  description: dag.description,
  schedule: dag.schedule,
  timezone: dag.timezone,
  owner: dag.owner,
  tags: dag.tags,
  isPaused: dag.isPaused,
  fileLoc: dag.fileLoc,
  versionHash: dag.versionHash,
  nextRunAt: dag.schedule && !dag.isPaused ? iso(Math.floor(Date.now() / dag.period) * dag.period + dag.period) : null,
  recentRuns: runs.get(dag.dagId).slice(-10).reverse().map(runSummary),
  taskCount: dag.tasks.length,
});

const duration = (start, end) => (start !== null && end !== null ? end - start : null);

const taskInstance = (ti) => ({
  taskId: ti.task.taskId,
  state: ti.state,
  tryNumber: ti.tryNumber,
  maxTries: ti.maxTries,
  operator: ti.task.operator,
  startedAt: iso(ti.startedAt),
  endedAt: iso(ti.endedAt),
  durationMs: duration(ti.startedAt, ti.endedAt),
  waitingReason:
    ti.state === 'none'
      ? 'upstream tasks have not succeeded yet'
      : ti.state === 'queued'
        ? 'waiting for a free worker slot'
        : null,
  external:
    ti.task.operator === 'emr_step' && ti.tryNumber > 0
      ? { stepId: `s-${ti.task.taskId.length}KX9${ti.tryNumber}`, console: 'https://console.aws.amazon.com/emr/home' }
      : null,
});

const runDetail = (run) => ({
  ...runSummary(run),
  dagId: run.dag.dagId,
  conf: run.conf,
  versionHash: run.dag.versionHash,
  taskInstances: [...run.tis.values()].map(taskInstance),
});

const tiDetail = (run, ti) => ({
  ...taskInstance(ti),
  dagId: run.dag.dagId,
  runId: run.runId,
  tries: ti.tries.map((tr) => ({
    tryNumber: tr.tryNumber,
    state: tr.state,
    startedAt: iso(tr.startedAt),
    endedAt: iso(tr.endedAt),
    durationMs: duration(tr.startedAt, tr.endedAt),
    hostname: tr.hostname,
    error: tr.error,
  })),
  output: ti.state === 'success' ? { rows: 123456, path: `s3://out/${ti.task.taskId}/` } : null,
});

// ---------------------------------------------------------------- HTTP

class HttpError extends Error {
  constructor(status, code, message, issues) {
    super(message);
    Object.assign(this, { status, code, issues });
  }
}

const notFound = (what) => new HttpError(404, 'not_found', `${what} not found`);
const findDag = (dagId) => dags.find((d) => d.dagId === dagId) ?? throwIt(notFound(`DAG ${dagId}`));
const findRun = (dag, runId) => runs.get(dag.dagId).find((r) => r.runId === runId) ?? throwIt(notFound(`run ${runId}`));
const findTi = (run, taskId) => run.tis.get(taskId) ?? throwIt(notFound(`task ${taskId}`));
function throwIt(error) {
  throw error;
}

function settableState(body) {
  if (body.state !== 'success' && body.state !== 'failed') {
    throw new HttpError(400, 'bad_request', 'invalid body', [
      { path: 'state', message: 'must be "success" or "failed"' },
    ]);
  }
  return body.state;
}

function downstreamOf(dag, taskId) {
  const found = new Set([taskId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const task of dag.tasks) {
      if (!found.has(task.taskId) && task.upstream.some((u) => found.has(u))) {
        found.add(task.taskId);
        grew = true;
      }
    }
  }
  return [...found];
}

function route(method, parts, query, body) {
  const [root, dagId, sub, runId, sub2, taskId, sub3] = parts;
  if (root === 'health')
    return { status: 'ok', database: 'ok', redis: 'ok', scheduler: { lastHeartbeatAt: iso(Date.now()) } };
  if (root === 'import-errors') return { items: importErrors };
  // As a server with sign-in off: no sign-in page, everyone is the local admin.
  if (root === 'auth' && dagId === 'options') return { authRequired: false, password: false, sso: null };
  if (root === 'auth' && dagId === 'me')
    return { username: 'local', role: 'admin', teams: [], via: 'local', csrfToken: null };
  if (root === 'audit') return { items: [], nextBefore: null };
  if (root !== 'dags') throw notFound('route');
  if (dagId === undefined) {
    let items = dags.map(dagSummary);
    if (query.get('tag')) items = items.filter((d) => d.tags.includes(query.get('tag')));
    if (query.get('paused')) items = items.filter((d) => String(d.isPaused) === query.get('paused'));
    return { items, total: items.length, limit: 100, offset: 0 };
  }
  const dag = findDag(dagId);
  if (sub === undefined && method === 'GET') return { ...dagSummary(dag), tasks: dag.tasks, confSchema: null };
  if (sub === undefined && method === 'PATCH') {
    dag.isPaused = Boolean(body.isPaused);
    return dagSummary(dag);
  }
  if (sub === 'grid') {
    const limit = Number(query.get('limit') ?? 25);
    return {
      dagId: dag.dagId,
      tasks: dag.tasks,
      runs: runs
        .get(dag.dagId)
        .slice(-limit)
        .map((run) => ({
          ...runSummary(run),
          states: Object.fromEntries([...run.tis.values()].map((ti) => [ti.task.taskId, ti.state])),
          cells: Object.fromEntries(
            [...run.tis.values()].map((ti) => [
              ti.task.taskId,
              { tryNumber: ti.tryNumber, startedAt: ti.startedAt, endedAt: ti.endedAt ?? null, durationMs: null },
            ]),
          ),
        })),
      totalRuns: runs.get(dag.dagId).length,
      totalRunsCapped: false,
    };
  }
  if (sub !== 'runs') throw notFound('route');
  if (runId === undefined && method === 'GET') {
    const items = runs.get(dag.dagId).slice().reverse().map(runSummary);
    return { items, total: items.length, limit: 25, offset: 0 };
  }
  if (runId === undefined && method === 'POST') {
    const conf = body.conf ?? {};
    if (typeof conf !== 'object' || conf === null || Array.isArray(conf)) {
      throw new HttpError(400, 'bad_request', 'invalid body', [{ path: 'conf', message: 'expected an object' }]);
    }
    if ('fail' in conf)
      throw new HttpError(400, 'bad_request', 'conf.fail is not accepted by this DAG', [
        { path: 'conf.fail', message: 'unknown key' },
      ]);
    return [201, runDetail(createRun(dag, Date.now(), 'manual', conf))];
  }
  const run = findRun(dag, runId);
  if (sub2 === undefined && method === 'GET') return runDetail(run);
  if (sub2 === undefined && method === 'PATCH') {
    run.state = settableState(body);
    run.endedAt = Date.now();
    return runDetail(run);
  }
  if (sub2 !== 'tasks' || taskId === undefined) throw notFound('route');
  const ti = findTi(run, taskId);
  if (sub3 === undefined && method === 'GET') return tiDetail(run, ti);
  if (sub3 === undefined && method === 'PATCH') {
    const state = settableState(body);
    if (ti.state === 'running') endTry(ti, state);
    else Object.assign(ti, { state, endedAt: Date.now() });
    return taskInstance(ti);
  }
  if (sub3 === 'logs') {
    const tryNumber = Number(query.get('try') ?? ti.tryNumber);
    const after = Number(query.get('after') ?? 0);
    const limit = Number(query.get('limit') ?? 1000);
    const all = ti.logs[tryNumber] ?? [];
    const lines = all.filter((l) => l.seq > after).slice(0, limit);
    const ended =
      tryNumber < ti.tryNumber || ['success', 'failed', 'up_for_retry', 'upstream_failed'].includes(ti.state);
    return { tryNumber, lines, nextSeq: lines.at(-1)?.seq ?? after, complete: ended && lines.length < limit };
  }
  if (sub3 === 'clear' && method === 'POST') {
    const ids = body.downstream ? downstreamOf(dag, taskId) : [taskId];
    for (const id of ids) {
      const cleared = run.tis.get(id);
      Object.assign(cleared, {
        state: 'none',
        startedAt: null,
        endedAt: null,
        maxTries: cleared.tryNumber + cleared.task.retries + 1,
      });
    }
    Object.assign(run, { state: 'queued', endedAt: null });
    return { cleared: ids };
  }
  throw notFound('route');
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'bad_request', 'body is not valid JSON');
  }
}

function send(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

async function serveStatic(res, pathname) {
  const file = normalize(join(DIST, pathname));
  const inside = file.startsWith(DIST) && extname(file) !== '';
  try {
    const data = await readFile(inside ? file : join(DIST, 'index.html'));
    res.writeHead(200, { 'content-type': MIME[inside ? extname(file) : '.html'] ?? 'application/octet-stream' });
    res.end(data);
  } catch {
    const data = await readFile(join(DIST, 'index.html'));
    res.writeHead(200, { 'content-type': MIME['.html'] });
    res.end(data);
  }
}

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (!url.pathname.startsWith('/api/v1/')) return serveStatic(res, url.pathname);
  try {
    now = Date.now();
    const parts = url.pathname.slice('/api/v1/'.length).split('/').filter(Boolean).map(decodeURIComponent);
    const body = req.method === 'GET' ? {} : await readBody(req);
    const result = route(req.method ?? 'GET', parts, url.searchParams, body);
    if (Array.isArray(result)) send(res, result[0], result[1]);
    else send(res, 200, result);
  } catch (error) {
    const status = error instanceof HttpError ? error.status : 500;
    const code = error instanceof HttpError ? error.code : 'internal';
    send(res, status, { error: { code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) } });
  }
}).listen(PORT, '127.0.0.1', () => {
  process.stdout.write(`fake Sluice API + UI on http://127.0.0.1:${PORT}\n`);
});
