import { Router } from 'express';
import { z } from 'zod';
import {
  SecretKeyError,
  deleteVariable,
  findVariable,
  listVariables,
  setVariable,
  type VariableView,
} from '@sluice/db';
import { ConflictError, InvalidRequestError, NotFoundError } from '@sluice/engine';
import type { Variable } from '@sluice/client';
import type { ApiDeps } from '../app';
import type { RouteDoc } from '../openapi';
import { parse } from '../validate';
import { safeId } from '../input';
import { actorOf } from '../actor';

/** Longest value a variable may hold, in characters. */
export const MAX_VARIABLE_VALUE = 65_536;

const KeyParams = z.object({ key: safeId('key', 250) });
const VariableBody = z
  .object({
    value: z.string().max(MAX_VARIABLE_VALUE, `value is longer than ${MAX_VARIABLE_VALUE} characters`),
    secret: z.boolean().default(false),
    description: z.string().max(500).optional(),
  })
  .strict();

export const variableRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/variables',
    summary: 'Every variable; the values of secret ones are shown as ***',
    tag: 'variables',
    role: 'viewer',
    status: 200,
  },
  {
    method: 'get',
    path: '/variables/:key',
    summary: 'One variable; a secret value is shown as ***',
    tag: 'variables',
    role: 'viewer',
    params: KeyParams,
    status: 200,
  },
  {
    method: 'put',
    path: '/variables/:key',
    summary: 'Create or replace a variable (stored encrypted)',
    tag: 'variables',
    role: 'admin',
    params: KeyParams,
    body: VariableBody,
    status: 200,
  },
  {
    method: 'delete',
    path: '/variables/:key',
    summary: 'Delete a variable',
    tag: 'variables',
    role: 'admin',
    params: KeyParams,
    status: 204,
  },
];

function present(v: VariableView): Variable {
  return {
    key: v.key,
    value: v.value,
    secret: v.secret,
    description: v.description,
    updatedAt: v.updatedAt.toISOString(),
  };
}

/** An API without the key the values were stored with cannot show them: say so rather than fail. */
async function readable<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (raw) {
    if (raw instanceof SecretKeyError) throw new ConflictError(raw.message);
    throw raw;
  }
}

/** Variables: values go in encrypted; secret ones never come out. Every change is audited, without its value. */
export function variableRoutes(deps: ApiDeps): Router {
  const r = Router();

  r.get('/variables', async (_req, res) => {
    const items = await readable(listVariables(deps.db.pool, deps.secretKey));
    res.json({ items: items.map(present) });
  });

  r.get('/variables/:key', async (req, res) => {
    const { key } = parse(KeyParams, req, 'params');
    const found = await readable(findVariable(deps.db.pool, key, deps.secretKey));
    if (!found) throw new NotFoundError(`Variable "${key}" does not exist`);
    res.json(present(found));
  });

  r.put('/variables/:key', async (req, res) => {
    const { key } = parse(KeyParams, req, 'params');
    const b = parse(VariableBody, req, 'body');
    try {
      const { variable } = await setVariable(
        deps.db.pool,
        { key, value: b.value, secret: b.secret, description: b.description },
        deps.secretKey,
        actorOf(req),
      );
      res.json(present(variable));
    } catch (raw) {
      if (raw instanceof SecretKeyError)
        throw new InvalidRequestError(raw.message, [{ path: 'body.value', message: raw.message }]);
      throw raw;
    }
  });

  r.delete('/variables/:key', async (req, res) => {
    const { key } = parse(KeyParams, req, 'params');
    if (!(await deleteVariable(deps.db.pool, key, actorOf(req))))
      throw new NotFoundError(`Variable "${key}" does not exist`);
    res.status(204).end();
  });

  return r;
}
