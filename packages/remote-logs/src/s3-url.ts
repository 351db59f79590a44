/** Where remote logs live and each try's key: plain functions, so argument parsers need no S3 client. */
export interface S3Location {
  bucket: string;
  prefix: string;
}

export interface TryRef {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
}

/** Thrown for a SLUICE_REMOTE_LOGS (or --archive-logs) value that is not `s3://bucket[/prefix]`. */
export class RemoteLogsUrlError extends Error {
  override readonly name = 'RemoteLogsUrlError';
}

/** Parses `s3://bucket/optional/prefix`. */
export function parseS3Url(value: string): S3Location {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(value);
  if (!m?.[1]) throw new RemoteLogsUrlError(`expected s3://bucket/prefix, got ${JSON.stringify(value)}`);
  return { bucket: m[1], prefix: (m[2] ?? '').replace(/\/+$/, '') };
}

/** `<prefix>/<dag>/<run>/<task>/try-<n>.<ext>`, each id URL-encoded. */
export function tryLogKey(at: S3Location, t: TryRef, ext: 'log' | 'jsonl'): string {
  const parts = [t.dagId, t.runId, t.taskId].map((p) => encodeURIComponent(p));
  return [at.prefix, ...parts, `try-${t.tryNumber}.${ext}`].filter((p) => p !== '').join('/');
}
