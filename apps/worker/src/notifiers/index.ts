/**
 * Notifiers run by the worker as callbacks: platform code, given the
 * callback's context and the options the DAG file wrote (secrets read from
 * the worker's environment when written as `{ env: 'NAME' }`).
 */
import { assertNever, type CallbackContextData, type NotifierKind } from '@sluice/core';
import { sendEmail } from './email';
import type { NotifierEnv } from './http';
import { type ResolveSnsSettings, sendSns } from './sns';
import { sendSlack } from './slack';
import { sendWebhook } from './webhook';

export interface NotifierDeps {
  env: NotifierEnv;
  resolveSns: ResolveSnsSettings;
}

/** Sends one notification; resolves with a line for the callback's record, throws to fail the attempt. */
export function sendNotification(
  kind: NotifierKind,
  options: Record<string, unknown>,
  ctx: CallbackContextData,
  deps: NotifierDeps,
  signal: AbortSignal,
): Promise<string> {
  switch (kind) {
    case 'slack':
      return sendSlack(options, ctx, deps.env, signal);
    case 'webhook':
      return sendWebhook(options, ctx, deps.env, signal);
    case 'email':
      return sendEmail(options, ctx, deps.env, signal);
    case 'sns':
      return sendSns(options, ctx, deps.resolveSns, signal);
    default:
      return assertNever(kind);
  }
}

export { slackMessage } from './slack';
export { signatureOf } from './webhook';
export { titleOf, textOf, NotifierConfigError } from './message';
export { NotifierHttpError } from './http';
export type { NotifierEnv } from './http';
