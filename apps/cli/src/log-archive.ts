/**
 * `sluice db clean --archive-logs s3://bucket/prefix`: each batch's task
 * logs are written to S3 before the batch is deleted, one object per try at
 * `<prefix>/<dag>/<run>/<task>/try-<n>.log`. AWS settings come from the
 * environment (AWS_REGION, AWS_ENDPOINT_URL, credentials chain).
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvalidArgumentError } from 'commander';

export interface S3Location {
  bucket: string;
  prefix: string;
}

/** Parses `s3://bucket/optional/prefix`. */
export function s3Location(value: string): S3Location {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(value);
  if (!m?.[1]) throw new InvalidArgumentError('expected s3://bucket/prefix');
  return { bucket: m[1], prefix: (m[2] ?? '').replace(/\/+$/, '') };
}

export function logKey(
  at: S3Location,
  log: { dagId: string; runId: string; taskId: string; tryNumber: number },
): string {
  const parts = [log.dagId, log.runId, log.taskId].map((p) => encodeURIComponent(p));
  return [at.prefix, ...parts, `try-${log.tryNumber}.log`].filter((p) => p !== '').join('/');
}

/** An archive function for cleanHistory, and the client to close after. */
export function s3LogArchive(at: S3Location, env: Record<string, string | undefined>) {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const keys =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {};
  // An endpoint of its own (a local S3) is addressed path-style.
  const client = new S3Client({
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...keys,
  });
  return {
    async archive(
      logs: ReadonlyArray<{ dagId: string; runId: string; taskId: string; tryNumber: number; text: string }>,
    ): Promise<void> {
      for (const log of logs) {
        await client.send(
          new PutObjectCommand({
            Bucket: at.bucket,
            Key: logKey(at, log),
            Body: log.text,
            ContentType: 'text/plain; charset=utf-8',
          }),
        );
      }
    },
    close: () => client.destroy(),
  };
}
