/**
 * What a notifier says: one title line and a few facts, from the callback's
 * context, the same for every channel.
 */
import type { CallbackContextData } from '@sluice/core';
import { z } from 'zod';

/** A value written in the DAG file, or read from the worker's environment (`{ env: 'NAME' }`). */
export const SecretValue = z.union([z.string().min(1), z.object({ env: z.string().min(1) })]);
export type SecretValue = z.infer<typeof SecretValue>;

/** Thrown when a notifier's options name a variable the worker does not have. */
export class NotifierConfigError extends Error {
  override readonly name = 'NotifierConfigError';
}

export function resolveSecret(
  value: SecretValue,
  env: Readonly<Record<string, string | undefined>>,
  option: string,
): string {
  if (typeof value === 'string') return value;
  const found = env[value.env];
  if (found === undefined || found === '')
    throw new NotifierConfigError(`${option} names the variable ${value.env}, which is not set on the worker`);
  return found;
}

/** One line saying what happened, e.g. "daily_etl.load failed (try 3 of 3)". */
export function titleOf(ctx: CallbackContextData): string {
  const t = ctx.task;
  const where = t ? `${ctx.dag.dagId}.${t.taskId}` : `${ctx.dag.dagId} run ${ctx.run.runId}`;
  const tries = t ? ` (try ${t.tryNumber} of ${t.maxTries})` : '';
  switch (ctx.event) {
    case 'onFailure':
      return `${where} failed${tries}`;
    case 'onRetry':
      return `${where} failed and will be retried${tries}`;
    case 'onSuccess':
      return `${where} succeeded${tries}`;
    case 'onDeadlineMiss':
      return `${ctx.dag.dagId} run ${ctx.run.runId} missed its deadline${ctx.run.deadlineAt ? ` (${ctx.run.deadlineAt})` : ''}`;
  }
}

/** The facts under the title, as "name: value" pairs (empty values left out). */
export function factsOf(ctx: CallbackContextData): Array<[string, string]> {
  const facts: Array<[string, string]> = [
    ['DAG', ctx.dag.dagId],
    ['Run', ctx.run.runId],
    ['Logical date', ctx.run.logicalDate],
  ];
  if (ctx.task) facts.push(['Task', ctx.task.taskId], ['Try', `${ctx.task.tryNumber} of ${ctx.task.maxTries}`]);
  if (ctx.error)
    facts.push(['Error', ctx.error.name === 'Error' ? ctx.error.message : `${ctx.error.name}: ${ctx.error.message}`]);
  if (ctx.dag.owner) facts.push(['Owner', ctx.dag.owner]);
  if (ctx.url) facts.push(['Link', ctx.url]);
  if (ctx.logUrl) facts.push(['Log', ctx.logUrl]);
  return facts;
}

/** The plain-text message: the title and the facts, one per line. */
export function textOf(ctx: CallbackContextData): string {
  return [titleOf(ctx), '', ...factsOf(ctx).map(([k, v]) => `${k}: ${v}`)].join('\n');
}

/** The JSON body a webhook gets. */
export function payloadOf(ctx: CallbackContextData): Record<string, unknown> {
  return { title: titleOf(ctx), ...ctx };
}
