/**
 * A generic webhook: the callback's context as JSON, signed with
 * HMAC-SHA256 over the exact body when a secret is set
 * (`X-Sluice-Signature: sha256=<hex>`). A failed POST fails the attempt;
 * the callback's retries try again with backoff.
 */
import { createHmac } from 'node:crypto';
import type { CallbackContextData } from '@sluice/core';
import { z } from 'zod';
import { payloadOf, resolveSecret, SecretValue } from './message';
import { postJson, type NotifierEnv } from './http';

export const WebhookOptions = z
  .object({ url: SecretValue, secret: SecretValue.optional(), headers: z.record(z.string(), z.string()).optional() })
  .strict();

/** `sha256=<hex>` of the body under `secret`: what a receiver recomputes to check a delivery. */
export function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function sendWebhook(
  raw: Record<string, unknown>,
  ctx: CallbackContextData,
  env: NotifierEnv,
  signal: AbortSignal,
): Promise<string> {
  const o = WebhookOptions.parse(raw);
  const url = resolveSecret(o.url, env, 'notify.webhook() url');
  const body = JSON.stringify({ ...payloadOf(ctx), sentAt: new Date().toISOString() });
  const headers: Record<string, string> = { ...o.headers, 'x-sluice-event': ctx.event };
  if (o.secret)
    headers['x-sluice-signature'] = signatureOf(resolveSecret(o.secret, env, 'notify.webhook() secret'), body);
  await postJson(url, body, headers, signal);
  return `posted to ${new URL(url).host}`;
}
