/**
 * The API describes itself: /api/v1/openapi.json is an OpenAPI 3.1 document
 * with every route Express really has — no more, no fewer — built from the
 * zod schemas the handlers parse with.
 */
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '@sluice/api';
import { startHarness, type Harness } from './harness';

/** The routes Express has, read from its router: `get /dags/:dagId`… */
function routesOf(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: unknown): void => {
    if (!Array.isArray(stack)) return;
    for (const layer of stack as Array<{
      route?: { path?: unknown; methods?: Record<string, boolean> };
      handle?: { stack?: unknown };
    }>) {
      if (layer.route && typeof layer.route.path === 'string') {
        for (const [m, on] of Object.entries(layer.route.methods ?? {})) if (on) found.push(`${m} ${layer.route.path}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: unknown } }).router.stack);
  // The UI's catch-all page route is not part of the API; the role guards repeat each route's path.
  return [...new Set(found.filter((r) => !r.includes('/^')))].sort();
}

type Operation = {
  parameters: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>;
  requestBody?: {
    content: { 'application/json': { schema: { properties?: Record<string, Record<string, unknown>> } } };
  };
  responses: Record<string, unknown>;
  'x-sluice-role': string;
  security: Array<Record<string, unknown>>;
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

let h: Harness;
let doc: Doc;
beforeAll(async () => {
  h = await startHarness({ dags: {} });
  const res = await request(h.app).get('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body as Doc;
});
afterAll(async () => {
  await h.close();
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and has exactly the routes the router has', () => {
    expect(doc.openapi).toBe('3.1.0');
    const described = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
      .sort();
    expect(described).toEqual(
      routesOf(h.app)
        .map((r) => {
          const [method, path] = r.split(' ');
          return `${method} ${openApiPath(path ?? '')}`;
        })
        .sort(),
    );
  });

  it('names the least role of every operation and its auth schemes; only public ones need none', () => {
    let publicOps = 0;
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        expect(['public', 'viewer', 'operator', 'admin'], `${m} ${p}`).toContain(op['x-sluice-role']);
        if (op['x-sluice-role'] === 'public') {
          publicOps++;
          expect(op.security, `${m} ${p}`).toEqual([]);
        } else {
          expect(op.security, `${m} ${p}`).toEqual([{ bearerToken: [] }, { sessionCookie: [] }]);
          expect(Object.keys(op.responses), `${m} ${p}`).toEqual(expect.arrayContaining(['401', '403']));
        }
      }
    }
    expect(publicOps).toBe(6);
    expect(doc.paths['/connections/{name}']?.put?.['x-sluice-role']).toBe('admin');
    expect(doc.paths['/dags/{dagId}/runs']?.post?.['x-sluice-role']).toBe('operator');
  });

  it('declares every path parameter of every operation, required', () => {
    for (const [p, ops] of Object.entries(doc.paths)) {
      const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        expect(op.parameters.filter((x) => x.in === 'path').map((x) => [x.name, x.required])).toEqual(
          names.map((n) => [n, true]),
        );
      }
    }
  });

  it('carries the request schemas the handlers validate with', () => {
    const trigger = doc.paths['/dags/{dagId}/runs']?.post;
    const body = trigger?.requestBody?.content['application/json'].schema;
    expect(body?.properties?.logicalDate).toMatchObject({ type: 'string', format: 'date-time' });
    expect(body?.properties?.runId).toMatchObject({ pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:+-]*$' });
    const logs = doc.paths['/dags/{dagId}/runs/{runId}/tasks/{taskId}/logs']?.get;
    expect(logs?.parameters.find((x) => x.name === 'limit')).toMatchObject({ in: 'query', required: false });
    expect(Object.keys(doc.paths['/connections/{name}']?.delete?.responses ?? {})).toContain('204');
  });
});
