/** AWS SNS Publish to a topic: the title as Subject, the facts as Message. */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { CallbackContextData } from '@sluice/core';
import { withCallObserver } from '@sluice/operators';
import { z } from 'zod';
import { textOf, titleOf } from './message';

export const SnsOptions = z
  .object({
    topicArn: z.string().startsWith('arn:'),
    region: z.string().optional(),
    endpoint: z.string().optional(),
    connection: z.string().optional(),
  })
  .strict();
export type SnsOptions = z.infer<typeof SnsOptions>;

/** Region, endpoint and credentials for a notifier's options (its connection, then its own). */
export type ResolveSnsSettings = (options: SnsOptions) => Promise<{
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}>;

export async function sendSns(
  raw: Record<string, unknown>,
  ctx: CallbackContextData,
  resolve: ResolveSnsSettings,
  signal: AbortSignal,
): Promise<string> {
  const o = SnsOptions.parse(raw);
  const settings = await resolve(o);
  const client = withCallObserver(
    new SNSClient({
      ...(settings.region ? { region: settings.region } : {}),
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      maxAttempts: 3,
    }),
    'sns',
  );
  try {
    // SNS subjects are at most 100 characters of ASCII text.
    const subject = titleOf(ctx)
      .replace(/[^\x20-\x7e]/g, '?')
      .slice(0, 100);
    const out = await client.send(
      new PublishCommand({ TopicArn: o.topicArn, Subject: subject, Message: textOf(ctx) }),
      {
        abortSignal: signal,
      },
    );
    return `published to ${o.topicArn} (${out.MessageId ?? 'no id'})`;
  } finally {
    client.destroy();
  }
}
