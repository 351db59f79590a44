/** Slack incoming webhook: a Block Kit message whose button opens the task (or run) in the UI. */
import type { CallbackContextData } from '@sluice/core';
import { z } from 'zod';
import { factsOf, resolveSecret, SecretValue, titleOf } from './message';
import { postJson, type NotifierEnv } from './http';

export const SlackOptions = z.object({ webhookUrl: SecretValue, text: z.string().optional() }).strict();
export type SlackOptions = z.infer<typeof SlackOptions>;

/** The message Slack is sent. */
export function slackMessage(ctx: CallbackContextData, text?: string): Record<string, unknown> {
  const title = text ?? titleOf(ctx);
  const facts = factsOf(ctx).filter(([k]) => k !== 'Link' && k !== 'Log');
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
    {
      type: 'section',
      fields: facts.slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${v.slice(0, 500)}` })),
    },
  ];
  const buttons = [
    ...(ctx.url
      ? [{ type: 'button', text: { type: 'plain_text', text: ctx.task ? 'Open task' : 'Open run' }, url: ctx.url }]
      : []),
    ...(ctx.logUrl ? [{ type: 'button', text: { type: 'plain_text', text: 'Log' }, url: ctx.logUrl }] : []),
  ];
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  // `text` is what notifications and clients without blocks show.
  return { text: ctx.url ? `${title} <${ctx.url}|open>` : title, blocks };
}

export async function sendSlack(
  raw: Record<string, unknown>,
  ctx: CallbackContextData,
  env: NotifierEnv,
  signal: AbortSignal,
): Promise<string> {
  const o = SlackOptions.parse(raw);
  const url = resolveSecret(o.webhookUrl, env, 'notify.slack() webhookUrl');
  await postJson(url, JSON.stringify(slackMessage(ctx, o.text)), {}, signal);
  return 'posted to Slack';
}
