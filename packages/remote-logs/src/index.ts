/**
 * Remote task logs (SLUICE_REMOTE_LOGS=s3://bucket/prefix): a try's log,
 * written to S3 when the try ends as JSON lines (seq, stream, at, text), one
 * object per try at `<prefix>/<dag>/<run>/<task>/try-<n>.jsonl`, and read
 * back by the API for ended tries. The settings come from the process's
 * environment (AWS_REGION, AWS_ENDPOINT_URL[_S3], the credentials chain).
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type S3Location, type TryRef, tryLogKey } from './s3-url';

export { parseS3Url, RemoteLogsUrlError, type S3Location, type TryRef, tryLogKey } from './s3-url';

export interface RemoteLogLine {
  seq: number;
  stream: string;
  at: string;
  text: string;
}

/** An S3 client from environment variables; an endpoint of its own (a local S3) is addressed path-style. */
export function s3ClientFromEnv(env: Readonly<Record<string, string | undefined>>): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  return new S3Client({
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {}),
  });
}

export class RemoteLogStore {
  constructor(
    readonly at: S3Location,
    private readonly client: S3Client,
  ) {}

  async putText(key: string, text: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.at.bucket, Key: key, Body: text, ContentType: 'text/plain; charset=utf-8' }),
    );
  }

  /** Writes a try's lines. */
  async putTry(t: TryRef, lines: readonly RemoteLogLine[]): Promise<void> {
    const body = lines.map((l) => JSON.stringify(l)).join('\n');
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.at.bucket,
        Key: tryLogKey(this.at, t, 'jsonl'),
        Body: body,
        ContentType: 'application/x-ndjson',
      }),
    );
  }

  /** A try's lines, or null when S3 has none for it. */
  async getTry(t: TryRef): Promise<RemoteLogLine[] | null> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.at.bucket, Key: tryLogKey(this.at, t, 'jsonl') }),
      );
      const text = (await out.Body?.transformToString('utf-8')) ?? '';
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as RemoteLogLine);
    } catch (raw) {
      if (raw instanceof Error && (raw.name === 'NoSuchKey' || raw.name === 'NotFound')) return null;
      throw raw;
    }
  }

  close(): void {
    this.client.destroy();
  }
}
