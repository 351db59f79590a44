import { EMRClient, ListClustersCommand } from '@aws-sdk/client-emr';
import { afterEach, expect, it } from 'vitest';
import { startAwsEmulator } from './server';

const previous = process.env.AWS_ENDPOINT_URL;

afterEach(() => {
  if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
  else process.env.AWS_ENDPOINT_URL = previous;
});

it('is reached by a client configured only through AWS_ENDPOINT_URL', async () => {
  const emulator = await startAwsEmulator();
  process.env.AWS_ENDPOINT_URL = emulator.url;
  const emr = new EMRClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  try {
    await emr.send(new ListClustersCommand({}));
    expect(emulator.control.calls().map((call) => call.operation)).toEqual(['ListClusters']);
  } finally {
    emr.destroy();
    await emulator.close();
  }
});
