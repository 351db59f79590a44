/**
 * `sluice db clean --archive-logs s3://bucket/prefix`: each batch's task
 * logs are written to S3 before the batch is deleted, one text object per
 * try at `<prefix>/<dag>/<run>/<task>/try-<n>.log`. AWS settings come from
 * the environment (AWS_REGION, AWS_ENDPOINT_URL, the credentials chain).
 */
import { RemoteLogStore, type S3Location, s3ClientFromEnv, tryLogKey } from '@sluice/remote-logs';

/** An archive function for cleanHistory, and the client to close after. */
export function s3LogArchive(at: S3Location, env: Record<string, string | undefined>) {
  const store = new RemoteLogStore(at, s3ClientFromEnv(env));
  return {
    async archive(
      logs: ReadonlyArray<{ dagId: string; runId: string; taskId: string; tryNumber: number; text: string }>,
    ): Promise<void> {
      for (const log of logs) await store.putText(tryLogKey(at, log, 'log'), log.text);
    },
    close: () => store.close(),
  };
}
