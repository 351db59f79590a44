import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEmulator, startAwsEmulator } from '../index';

let emulator: AwsEmulator;
let sns: SNSClient;

beforeAll(async () => {
  emulator = await startAwsEmulator();
  sns = new SNSClient({
    region: 'eu-west-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  sns.destroy();
  await emulator.close();
});

describe('SNS', () => {
  it('publishes to a topic created with CreateTopic, and keeps the message', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'alerts' }));
    expect(TopicArn).toBe('arn:aws:sns:eu-west-1:000000000000:alerts');
    const out = await sns.send(
      new PublishCommand({ TopicArn, Subject: 'etl failed', Message: 'load <failed> & more' }),
    );
    expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(emulator.sns.messages).toEqual([
      expect.objectContaining({ topicArn: TopicArn, subject: 'etl failed', message: 'load <failed> & more' }),
    ]);
  });

  it('answers NotFound for a topic that does not exist, as SNS does', async () => {
    const publishing = sns.send(
      new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:000000000000:nope', Message: 'x' }),
    );
    await expect(publishing).rejects.toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist' });
  });
});
