/**
 * The AWS emulator for integration tests: started on a free port with the
 * given step and job durations, and this process's AWS_* variables pointed
 * at it (the harness's scheduler and worker run in this process), until
 * `restoreEnv` puts them back.
 */
import { startAwsEmulator } from '@sluice/aws-emulator';

export type Emulator = Awaited<ReturnType<typeof startAwsEmulator>>;
export type Durations = NonNullable<Parameters<typeof startAwsEmulator>[0]>['durations'];

export async function startEmulatorWithEnv(durations: Durations): Promise<{ aws: Emulator; restoreEnv: () => void }> {
  const aws = await startAwsEmulator({ port: 0, durations });
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: aws.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  return {
    aws,
    restoreEnv: () => {
      process.env = saved;
    },
  };
}
