/**
 * The control API over HTTP, for tests in another process and for `sluice dev`:
 *
 *   GET  /_emulator/state              everything (see EmulatorState)
 *   GET  /_emulator/calls[?operation=] the API calls answered so far
 *   POST /_emulator/faults             FaultSpec
 *   POST /_emulator/rules/steps        step rule
 *   POST /_emulator/rules/job-runs     job run rule
 *   POST /_emulator/rules/crawls       crawl rule
 *   POST /_emulator/durations          partial Durations → the new Durations
 *   POST /_emulator/jobs               seed a Glue job (CreateJob input)
 *   POST /_emulator/crawlers           seed a crawler (CreateCrawler input)
 *   POST /_emulator/reset
 *
 * Bodies are JSON; a bad body is a 400 `{ error, issues: [{ path, message }] }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  CrawlRuleBody,
  DurationsPatch,
  FaultBody,
  JobRunRuleBody,
  SeedCrawler,
  SeedJob,
  StepRuleBody,
} from './control-schemas';
import type { EmulatorControl } from './control';
import { readBody, ServiceError } from './protocol';

export const CONTROL_PREFIX = '/_emulator';

type Route = (control: EmulatorControl, body: unknown, query: URLSearchParams) => unknown;

function withBody<S extends z.ZodType>(
  schema: S,
  action: (control: EmulatorControl, body: z.infer<S>) => unknown,
): Route {
  return (control, body) => action(control, schema.parse(body));
}

const postRoutes: Record<string, Route> = {
  '/faults': withBody(FaultBody, (control, body) => control.injectFault(body)),
  '/rules/steps': withBody(StepRuleBody, (control, body) => control.addStepRule(body)),
  '/rules/job-runs': withBody(JobRunRuleBody, (control, body) => control.addJobRunRule(body)),
  '/rules/crawls': withBody(CrawlRuleBody, (control, body) => control.addCrawlRule(body)),
  '/durations': withBody(DurationsPatch, (control, body) => control.setDurations(body)),
  '/jobs': withBody(SeedJob, (control, body) => control.createJob(body)),
  '/crawlers': withBody(SeedCrawler, (control, body) => control.createCrawler(body)),
  '/reset': (control) => control.reset(),
  '/state': (control) => control.state(),
};

const getRoutes: Record<string, Route> = {
  '/state': (control) => control.state(),
  '/calls': (control, _body, query) => control.calls(query.get('operation') ?? undefined),
  '/health': () => ({ status: 'ok' }),
};

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? { ok: true });
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export async function handleControl(
  control: EmulatorControl,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://emulator');
  const path = url.pathname.slice(CONTROL_PREFIX.length);
  const routes = request.method === 'POST' ? postRoutes : request.method === 'GET' ? getRoutes : {};
  const route = routes[path];
  if (route === undefined) {
    send(response, 404, { error: `No control route ${request.method ?? ''} ${url.pathname}` });
    return;
  }
  try {
    const text = request.method === 'POST' ? await readBody(request) : '';
    const body: unknown = text.trim() === '' ? {} : JSON.parse(text);
    send(response, 200, route(control, body, url.searchParams));
  } catch (raw) {
    if (raw instanceof z.ZodError) {
      send(response, 400, {
        error: 'Invalid request body',
        issues: raw.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
    } else if (raw instanceof SyntaxError) {
      send(response, 400, { error: 'Request body is not valid JSON' });
    } else if (raw instanceof ServiceError || raw instanceof RangeError) {
      send(response, 400, { error: raw.message, code: raw instanceof ServiceError ? raw.code : undefined });
    } else {
      send(response, 500, { error: raw instanceof Error ? raw.message : String(raw) });
    }
  }
}
