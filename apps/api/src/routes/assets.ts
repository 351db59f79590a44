/**
 * Assets: the list with each asset's last event, one asset with its
 * producers, consumers and recent events, events posted from outside (a
 * late file landed, a partner's export arrived), and which DAGs a DAG waits
 * on and feeds. A user restricted to some teams' DAGs sees only those DAGs
 * among producers, consumers and event sources.
 */
import { Router } from 'express';
import { z } from 'zod';
import { AssetUri, type DagSpec } from '@sluice/core';
import { listAssetRows, listDagRows, readAssetDetail, readDagLinks, type AssetEventWithRuns } from '@sluice/db';
import { NotFoundError, postAssetEvent } from '@sluice/engine';
import type { AssetDetail, AssetEvent, AssetList, DagLinks, PostedAssetEvent } from '@sluice/client';
import type { ApiDeps } from '../app';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { safeId } from '../input';
import { actorOf } from '../actor';
import { principalOf } from '../auth/principal';
import { visibleDagIds } from '../auth/dag-access';
import { assetWait } from '../asset-wait';

const MAX_LIMIT = 500;

/** A page position: base64url of what the next page starts after. */
const Cursor = z
  .string()
  .max(2000)
  .transform((s, ctx) => {
    const text = Buffer.from(s, 'base64url').toString('utf8');
    if (text === '' || Buffer.from(text, 'utf8').toString('base64url') !== s) {
      ctx.addIssue({ code: 'custom', message: 'cursor is not a nextCursor this API gave' });
      return z.NEVER;
    }
    return text;
  });
const encodeCursor = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

const limit = (fallback: number) =>
  z.coerce
    .number()
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(MAX_LIMIT, `limit must be at most ${MAX_LIMIT}`)
    .default(fallback);

const ListAssetsQuery = z
  .object({ limit: limit(100), cursor: Cursor.optional(), prefix: z.string().min(1).max(1500).optional() })
  .strict();
const AssetParams = z.object({ uri: AssetUri });
const EventCursor = z.object({ createdAt: z.iso.datetime(), id: z.uuid() });
/** An event page's position: the last event shown (its time and id). */
const EventCursorParam = Cursor.transform((text, ctx) => {
  const [createdAt = '', id = ''] = text.split('|');
  const parsed = EventCursor.safeParse({ createdAt, id });
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: 'cursor is not a nextCursor this API gave' });
    return z.NEVER;
  }
  return { createdAt: new Date(parsed.data.createdAt), id: parsed.data.id };
});
const AssetQuery = z.object({ limit: limit(25), cursor: EventCursorParam.optional() }).strict();
const AssetEventBody = z
  .object({
    uri: AssetUri,
    extra: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((b) => b.extra === undefined || JSON.stringify(b.extra).length <= 64 * 1024, {
    message: 'extra is larger than 64 KiB as JSON',
    path: ['extra'],
  });
const DagParams = z.object({ dagId: safeId('dagId') });

/** Viewers read assets; posting an event starts runs, so it takes the role that may trigger them. */
export const assetRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/assets',
    summary: 'Assets by URI, with their producers, consumers and last event',
    tag: 'assets',
    role: 'viewer',
    query: ListAssetsQuery,
    status: 200,
  },
  {
    method: 'get',
    path: '/assets/:uri',
    summary: 'One asset (URI-encoded) with its producers, consumers and recent events',
    tag: 'assets',
    role: 'viewer',
    params: AssetParams,
    query: AssetQuery,
    status: 200,
  },
  {
    method: 'post',
    path: '/assets/events',
    summary: 'Record an asset event from outside Sluice; DAGs scheduled on the asset run',
    tag: 'assets',
    role: 'operator',
    body: AssetEventBody,
    status: 201,
  },
  {
    method: 'get',
    path: '/dags/:dagId/links',
    summary: 'What a DAG waits for and feeds: assets, and DAGs it triggers or waits on',
    tag: 'assets',
    role: 'viewer',
    params: DagParams,
    status: 200,
  },
];

/** Drops what names a DAG the caller may not see; `visible` undefined: everything shows. */
function eventVisible(e: AssetEvent, visible: ReadonlySet<string> | undefined): boolean {
  return visible === undefined || e.source.kind === 'external' || visible.has(e.source.dagId);
}

function presentEvent(e: AssetEventWithRuns, visible: ReadonlySet<string> | undefined): AssetEventWithRuns {
  return { ...e, triggeredRuns: e.triggeredRuns.filter((r) => visible === undefined || visible.has(r.dagId)) };
}

export function assetRoutes(deps: ApiDeps): Router {
  const r = Router();

  const visibleTo = async (req: Parameters<typeof principalOf>[0]): Promise<Set<string> | undefined> => {
    const p = principalOf(req);
    if (!p) return new Set();
    const ids = await visibleDagIds(deps, p);
    return ids === undefined ? undefined : new Set(ids);
  };
  const sees = (visible: ReadonlySet<string> | undefined, dagId: string) => visible === undefined || visible.has(dagId);

  r.get('/assets', async (req, res) => {
    const q = parse(ListAssetsQuery, req, 'query');
    const rows = await listAssetRows(deps.db.pool, { limit: q.limit + 1, afterUri: q.cursor, prefix: q.prefix });
    const visible = await visibleTo(req);
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const body: AssetList = {
      items: page.map((a) => ({
        uri: a.uri,
        createdAt: a.createdAt.toISOString(),
        producers: a.producers.filter((p) => sees(visible, p.dagId)),
        consumers: a.consumers.filter((c) => sees(visible, c)),
        lastEvent: a.lastEvent && eventVisible(a.lastEvent, visible) ? a.lastEvent : null,
      })),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.uri) : null,
    };
    res.json(body);
  });

  r.post('/assets/events', async (req, res) => {
    const b = parse(AssetEventBody, req, 'body');
    const posted = await postAssetEvent(deps.engine, { uri: b.uri, extra: b.extra ?? {}, actor: actorOf(req) });
    const visible = await visibleTo(req);
    const body: PostedAssetEvent = { event: posted.event, queuedFor: posted.queuedFor.filter((d) => sees(visible, d)) };
    res.status(201).json(body);
  });

  r.get('/assets/:uri', async (req, res) => {
    const { uri } = parse(AssetParams, req, 'params');
    const q = parse(AssetQuery, req, 'query');
    const found = await readAssetDetail(deps.db.pool, uri, { eventLimit: q.limit + 1, before: q.cursor });
    if (!found) throw new NotFoundError(`Asset "${uri}" does not exist: no DAG is scheduled on it or updates it`);
    const visible = await visibleTo(req);
    const events = found.events.slice(0, q.limit);
    const last = events.at(-1);
    const body: AssetDetail = {
      uri: found.uri,
      createdAt: found.createdAt.toISOString(),
      producers: found.producers.filter((p) => sees(visible, p.dagId)),
      consumers: found.consumers.filter((c) => sees(visible, c.dagId)),
      events: events.filter((e) => eventVisible(e, visible)).map((e) => presentEvent(e, visible)),
      nextCursor: found.events.length > q.limit && last ? encodeCursor(`${last.createdAt}|${last.id}`) : null,
    };
    res.json(body);
  });

  r.get('/dags/:dagId/links', async (req, res) => {
    const { dagId } = parse(DagParams, req, 'params');
    const [row] = await listDagRows(deps.db.pool, { dagId });
    if (!row) throw new NotFoundError(`DAG "${dagId}" does not exist`);
    const spec: DagSpec = (await deps.engine.dags.get(row.versionId)).spec;
    const links = await readDagLinks(deps.db.pool, dagId);
    const visible = await visibleTo(req);
    const body: DagLinks = {
      dagId,
      assetSchedule: await assetWait(deps, dagId, spec),
      outlets: spec.tasks.flatMap((t) => (t.outlets ?? []).map((uri) => ({ taskId: t.taskId, uri }))),
      fedBy: links.fedBy.filter((l) => sees(visible, l.dagId)),
      feeds: links.feeds.filter((l) => sees(visible, l.dagId)),
      linksTo: links.linksTo.filter((l) => sees(visible, l.dagId)),
      linkedFrom: links.linkedFrom.filter((l) => sees(visible, l.dagId)),
    };
    res.json(body);
  });

  return r;
}
