/**
 * The OpenAPI 3.1 document of the API, built from the zod schemas the route
 * handlers parse with: each route file lists its routes (`RouteDoc`), and
 * this file turns them into paths, parameters and request bodies. A test
 * compares the document with the routes Express really has, so a route
 * cannot be added without being described.
 */
import { z } from 'zod';
import type { Role } from '@sluice/core';
import { connectionRouteDocs } from './routes/connections';
import { dagBundleRouteDocs } from './routes/dag-bundles';
import { dagRouteDocs } from './routes/dags';
import { runRouteDocs } from './routes/runs';
import { gridRouteDocs } from './routes/grid';
import { browseRouteDocs } from './routes/browse';
import { taskRouteDocs } from './routes/tasks';
import { authRouteDocs } from './routes/auth';
import { userRouteDocs } from './routes/users';
import { auditRouteDocs } from './routes/audit';
import { variableRouteDocs } from './routes/variables';
import { poolRouteDocs } from './routes/pools';
import { backfillRouteDocs } from './routes/backfills';
import { clearingRouteDocs } from './routes/clearing';
import { noteRouteDocs } from './routes/notes';
import { historyRouteDocs } from './routes/history';
import { versionRouteDocs } from './routes/versions';
import { assetRouteDocs } from './routes/assets';

/** One route as the document describes it; `path` in Express form, relative to /api/v1. */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag:
    | 'dags'
    | 'runs'
    | 'tasks'
    | 'backfills'
    | 'connections'
    | 'variables'
    | 'pools'
    | 'assets'
    | 'auth'
    | 'users'
    | 'audit'
    | 'system';
  /** The least role that may call it; `public` needs no credentials. */
  role: Role | 'public';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The status of a successful answer. */
  status: 200 | 201 | 204;
}

const systemRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Whether Postgres, Redis, the schedulers and the workers are alive, and the queue backlog',
    tag: 'system',
    role: 'public',
    status: 200,
  },
  { method: 'get', path: '/openapi.json', summary: 'This document', tag: 'system', role: 'public', status: 200 },
];

export const routeDocs: readonly RouteDoc[] = [
  ...systemRouteDocs,
  ...dagRouteDocs,
  ...runRouteDocs,
  ...gridRouteDocs,
  ...browseRouteDocs,
  ...taskRouteDocs,
  ...clearingRouteDocs,
  ...backfillRouteDocs,
  ...connectionRouteDocs,
  ...authRouteDocs,
  ...userRouteDocs,
  ...auditRouteDocs,
  ...variableRouteDocs,
  ...poolRouteDocs,
  ...dagBundleRouteDocs,
  ...noteRouteDocs,
  ...historyRouteDocs,
  ...versionRouteDocs,
  ...assetRouteDocs,
];

const ApiError = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          enum: [
            'bad_request',
            'unauthorized',
            'forbidden',
            'not_found',
            'conflict',
            'unsupported_media_type',
            'too_many_requests',
            'internal',
          ],
        },
        message: { type: 'string' },
        issues: {
          type: 'array',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: { path: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;

/** `/dags/:dagId` → `/dags/{dagId}`. */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:(\w+)/g, '{$1}');

type JsonSchema = Record<string, unknown>;
/** A schema's JSON Schema as the client sends it; the document's dialect (2020-12) needs no `$schema` on each. */
function schemaOf(t: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(t, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return schema;
}

function parameters(doc: RouteDoc): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, obj] of [
    ['path', doc.params],
    ['query', doc.query],
  ] as const) {
    if (!obj) continue;
    const schema = schemaOf(obj);
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, s] of Object.entries(props)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: s });
    }
  }
  return out;
}

function operation(doc: RouteDoc): JsonSchema {
  const responses: Record<string, JsonSchema> = {
    [String(doc.status)]: { description: doc.status === 204 ? 'Done; no body' : 'OK' },
    '400': {
      description: 'A field is wrong; `issues` names it',
      content: { 'application/json': { schema: ApiError } },
    },
    '403': {
      description:
        doc.role === 'public'
          ? 'Addressed to a host name, or sent from an origin, this API does not serve'
          : `Not allowed: needs the ${doc.role} role (or the DAG is another team's, or a browser change lacks its X-CSRF-Token); also a host or origin this API does not serve`,
      content: { 'application/json': { schema: ApiError } },
    },
  };
  if (doc.role !== 'public')
    responses['401'] = {
      description: 'No session cookie or API token, or one that is unknown, expired or revoked',
      content: { 'application/json': { schema: ApiError } },
    };
  if (doc.params)
    responses['404'] = {
      description: 'No such DAG, run, task, connection or variable',
      content: { 'application/json': { schema: ApiError } },
    };
  if (doc.body) {
    responses['409'] = {
      description: 'The change conflicts with the current state',
      content: { 'application/json': { schema: ApiError } },
    };
    responses['415'] = { description: 'The body is not JSON', content: { 'application/json': { schema: ApiError } } };
  }
  return {
    summary: doc.summary,
    tags: [doc.tag],
    operationId: `${doc.method}${doc.path.replace(/[/:{}.-]+(\w)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    parameters: parameters(doc),
    'x-sluice-role': doc.role,
    security: doc.role === 'public' ? [] : [{ bearerToken: [] }, { sessionCookie: [] }],
    ...(doc.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(doc.body) } } } }
      : {}),
    responses,
  };
}

/** The document served at /api/v1/openapi.json. */
export function buildOpenApi(docs: readonly RouteDoc[] = routeDocs): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const doc of docs) {
    const p = openApiPath(doc.path);
    paths[p] ??= {};
    const ops = paths[p];
    if (ops) ops[doc.method] = operation(doc);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sluice API',
      version: '1',
      description:
        'Runs, tasks and DAGs of Sluice. JSON in and out. Every operation but the public ones needs an API token (`Authorization: Bearer slc_…`) or a browser session; `x-sluice-role` names the least role it needs (viewer < operator < admin). Requests that change something must be JSON from the API’s own origin; with a session they also send `X-CSRF-Token`.',
    },
    components: {
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token from `sluice login`, `sluice tokens create` or POST /tokens',
        },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'sluice_session' },
      },
    },
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    servers: [{ url: '/api/v1' }],
    tags: [
      'dags',
      'runs',
      'tasks',
      'backfills',
      'connections',
      'variables',
      'pools',
      'auth',
      'users',
      'audit',
      'system',
    ].map((name) => ({
      name,
    })),
    paths,
  };
}
