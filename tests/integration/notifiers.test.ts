/**
 * Notifiers against real local receivers: a task fails and its onFailure
 * notifiers post to Slack's webhook format and a signed generic webhook (an
 * HTTP listener), mail an SMTP server (smtp-server) and publish to SNS (the
 * AWS emulator). Each message carries the failed task's link. A run past
 * its deadline fires its notifier once.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulatorWithEnv } from './aws-support';
import { type Harness, startHarness, waitFor } from './harness';
import {
  type HttpReceiver,
  type SmtpReceiver,
  decodeQuotedPrintable,
  startHttpReceiver,
  startSmtpReceiver,
} from './receivers';

const BASE = 'https://sluice.example.com';
let http: HttpReceiver;
let smtp: SmtpReceiver;
let aws: Emulator;
let restoreEnv: () => void;
let topicArn: string;
let h: Harness;

const notifyDag = (o: { http: string; smtpPort: number; topicArn: string; emulator: string }) => `
import { dag, fn, notify, shell } from '@sluice/sdk';

const d = dag({ id: 'notified' });
d.task('load', {
  onFailure: [
    notify.slack({ webhookUrl: '${o.http}/slack' }),
    notify.webhook({ url: '${o.http}/hook', secret: 'hook-secret' }),
    notify.email({ smtp: { host: '127.0.0.1', port: ${o.smtpPort} }, from: 'sluice@example.com', to: 'oncall@example.com' }),
    notify.sns({ topicArn: '${o.topicArn}', endpoint: '${o.emulator}', region: 'us-east-1' }),
  ],
}, fn(() => { throw new Error('warehouse refused the load'); }));

const late = dag({ id: 'late', deadline: { from: 'queuedAt', within: '300ms', notify: notify.webhook({ url: '${o.http}/deadline' }) } });
late.task('sleep', shell({ command: 'sleep 2' }));
`;

beforeAll(async () => {
  http = await startHttpReceiver();
  smtp = await startSmtpReceiver();
  ({ aws, restoreEnv } = await startEmulatorWithEnv({}));
  topicArn = aws.sns.createTopic('oncall', 'us-east-1');
  h = await startHarness({
    dags: { 'notified.ts': notifyDag({ http: http.url, smtpPort: smtp.port, topicArn, emulator: aws.url }) },
    env: { SLUICE_BASE_URL: BASE },
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await http?.close();
  await smtp?.close();
  await aws?.close();
  restoreEnv?.();
});

describe('notifiers', () => {
  it('Slack, webhook, SMTP and SNS receivers get the failure with the task link', async () => {
    const { runId } = await h.trigger('notified');
    await h.waitForRun('notified', runId, ['failed'], 30_000);
    const run = await waitFor(
      'four notifiers to succeed',
      async () => {
        const r = await h.getRun('notified', runId);
        return r.callbacks.length === 4 && r.callbacks.every((c) => c.state !== 'pending' && c.state !== 'running')
          ? r
          : undefined;
      },
      30_000,
    );
    expect(run.callbacks.map((c) => `${c.kind} ${c.state}`).sort()).toEqual([
      'email success',
      'slack success',
      'sns success',
      'webhook success',
    ]);
    const link = `${BASE}/dags/notified/runs/${encodeURIComponent(runId)}?task=load`;

    const [slack] = http.json('/slack');
    expect(slack?.['text']).toBe(`notified.load failed (try 1 of 1) <${link}|open>`);
    const blocks = slack?.['blocks'] as Array<{ type: string; elements?: Array<{ url?: string }> }>;
    expect(blocks.find((b) => b.type === 'actions')?.elements?.[0]?.url).toBe(link);

    const hook = http.requests.find((r) => r.path === '/hook');
    const expected = `sha256=${createHmac('sha256', 'hook-secret')
      .update(hook?.body ?? '')
      .digest('hex')}`;
    expect(hook?.headers['x-sluice-signature']).toBe(expected);
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
      event: 'onFailure',
      url: link,
      task: { taskId: 'load', tryNumber: 1 },
      error: { message: 'warehouse refused the load' },
    });

    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.to).toEqual(['oncall@example.com']);
    expect(smtp.mails[0]?.data).toContain('Subject: [sluice] notified.load failed (try 1 of 1)');
    expect(decodeQuotedPrintable(smtp.mails[0]?.data ?? '')).toContain(`Link: ${link}`);

    expect(aws.sns.messages).toHaveLength(1);
    expect(aws.sns.messages[0]).toMatchObject({ topicArn, subject: 'notified.load failed (try 1 of 1)' });
    expect(aws.sns.messages[0]?.message).toContain(`Link: ${link}`);
  }, 60_000);

  it('a run past its deadline fires its notifier once', async () => {
    const { runId } = await h.trigger('late');
    await h.waitForRun('late', runId, ['success'], 30_000);
    // Passes after the miss find nothing more to fire.
    for (let i = 0; i < 3; i++) await h.scheduler.pass();
    const calls = http.json('/deadline');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ event: 'onDeadlineMiss', task: null, run: { runId } });
    const run = await h.getRun('late', runId);
    expect(run.deadline?.missedAt).not.toBeNull();
    expect(run.callbacks.map((c) => `${c.event} ${c.kind} ${c.state}`)).toEqual(['onDeadlineMiss webhook success']);
  }, 60_000);
});
