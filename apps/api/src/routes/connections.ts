import { Router } from 'express';
import { z } from 'zod';
import {
  CredentialsRequiredError,
  deleteConnection,
  listConnections,
  recordAuditEvent,
  upsertConnection,
  SecretKeyError,
  type ConnectionView,
} from '@sluice/db';
import { InvalidRequestError, NotFoundError } from '@sluice/engine';
import type { Connection } from '@sluice/client';
import type { ApiDeps } from '../app';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { safeId } from '../input';
import { actorOf } from '../actor';

const NameParams = z.object({ name: safeId('name', 100) });
const ConnectionBody = z
  .object({
    kind: z.literal('aws').default('aws'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')
      .optional(),
    roleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN')
      .optional(),
    endpoint: z.url().optional(),
    description: z.string().max(500).optional(),
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    sessionToken: z.string().min(1).optional(),
  })
  .strict()
  .refine((b) => (b.accessKeyId === undefined) === (b.secretAccessKey === undefined), {
    message: 'accessKeyId and secretAccessKey go together',
    path: ['secretAccessKey'],
  });

export const connectionRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/connections',
    summary: 'Named AWS connections; credentials are never returned',
    tag: 'connections',
    role: 'admin',
    status: 200,
  },
  {
    method: 'put',
    path: '/connections/:name',
    summary: 'Create or replace a connection',
    tag: 'connections',
    role: 'admin',
    params: NameParams,
    body: ConnectionBody,
    status: 200,
  },
  {
    method: 'delete',
    path: '/connections/:name',
    summary: 'Delete a connection',
    tag: 'connections',
    role: 'admin',
    params: NameParams,
    status: 204,
  },
];

function present(c: ConnectionView): Connection {
  return {
    name: c.name,
    kind: 'aws',
    region: c.region,
    roleArn: c.roleArn,
    endpoint: c.endpoint,
    description: c.description,
    hasCredentials: c.hasCredentials,
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** Connections: credentials go in, never come out. Every change is audited, without the credentials. */
export function connectionRoutes(deps: ApiDeps): Router {
  const r = Router();

  r.get('/connections', async (_req, res) => {
    res.json({ items: (await listConnections(deps.db.prisma)).map(present) });
  });

  r.put('/connections/:name', async (req, res) => {
    const { name } = parse(NameParams, req, 'params');
    const b = parse(ConnectionBody, req, 'body');
    const credentials =
      b.accessKeyId && b.secretAccessKey
        ? { accessKeyId: b.accessKeyId, secretAccessKey: b.secretAccessKey, sessionToken: b.sessionToken }
        : undefined;
    try {
      const saved = await upsertConnection(
        deps.db.prisma,
        {
          name,
          kind: b.kind,
          region: b.region,
          roleArn: b.roleArn,
          endpoint: b.endpoint,
          description: b.description,
          credentials,
        },
        deps.secretKey,
      );
      // What changed and who did it; the credentials themselves never go in the audit.
      await recordAuditEvent(deps.db.pool, {
        actor: actorOf(req),
        action: 'connection_set',
        details: {
          name,
          region: saved.region,
          roleArn: saved.roleArn,
          endpoint: saved.endpoint,
          credentials: credentials ? 'entered' : saved.hasCredentials ? 'kept' : 'none',
        },
      });
      res.json(present(saved));
    } catch (raw) {
      if (raw instanceof SecretKeyError)
        throw new InvalidRequestError(raw.message, [{ path: 'body.secretAccessKey', message: raw.message }]);
      if (raw instanceof CredentialsRequiredError)
        throw new InvalidRequestError(raw.message, [{ path: 'body.accessKeyId', message: raw.message }]);
      throw raw;
    }
  });

  r.delete('/connections/:name', async (req, res) => {
    const { name } = parse(NameParams, req, 'params');
    if (!(await deleteConnection(deps.db.prisma, name))) throw new NotFoundError(`Connection "${name}" does not exist`);
    await recordAuditEvent(deps.db.pool, { actor: actorOf(req), action: 'connection_delete', details: { name } });
    res.status(204).end();
  });

  return r;
}
