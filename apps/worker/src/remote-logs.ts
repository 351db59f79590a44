/**
 * SLUICE_REMOTE_LOGS on the worker: when a try's end is recorded, its log
 * (every line, from Postgres) is written to S3 beside the path of the
 * slot's next task, not on it. A failed upload is logged; the lines stay in
 * Postgres, where the API reads them when S3 has none.
 */
import type { Logger } from 'pino';
import { toError } from '@sluice/core';
import { readTaskLogs, type ClaimedTry, type Queryable } from '@sluice/db';
import { RemoteLogStore, parseS3Url, s3ClientFromEnv } from '@sluice/remote-logs';

const MAX_LINES = 1_000_000;

export function remoteLogUploader(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
  db: Queryable,
  logger: Logger,
) {
  const store = new RemoteLogStore(parseS3Url(url), s3ClientFromEnv(env));
  const pending = new Set<Promise<void>>();
  const upload = async (claim: ClaimedTry): Promise<void> => {
    const lines = await readTaskLogs(db, {
      taskInstanceId: claim.taskInstanceId,
      tryNumber: claim.tryNumber,
      afterSeq: 0,
      limit: MAX_LINES,
    });
    await store.putTry(
      claim,
      lines.map((l) => ({ seq: l.seq, stream: l.stream, at: l.at.toISOString(), text: l.text })),
    );
  };
  return {
    afterTry(claim: ClaimedTry): void {
      const p = upload(claim)
        .catch((raw: unknown) =>
          logger.warn(
            { err: toError(raw), taskInstanceId: claim.taskInstanceId, tryNumber: claim.tryNumber },
            'could not write the try log to S3; it stays in Postgres',
          ),
        )
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    async close(): Promise<void> {
      await Promise.all(pending);
      store.close();
    },
  };
}
