/**
 * S3 as far as Sluice's log archive needs it, path-style (`/bucket/key`):
 * CreateBucket (PUT /bucket), PutObject, GetObject, HeadObject and
 * DeleteObject, objects kept in memory for tests to read.
 */
import { createHash } from 'node:crypto';

export interface S3Object {
  body: Buffer;
  contentType: string;
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

export class S3Service {
  readonly buckets = new Map<string, Map<string, S3Object>>();

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  /** The object's text, for tests; undefined when there is none. */
  text(bucket: string, key: string): string | undefined {
    return this.buckets.get(bucket)?.get(key)?.body.toString('utf8');
  }

  /** Answers one path-style request: status, headers, body. */
  handle(
    method: string,
    path: string,
    body: Buffer,
    contentType: string | undefined,
  ): [number, Record<string, string>, string | Buffer] {
    const [, bucketName = '', ...rest] = decodeURIComponent(path.split('?')[0] ?? '').split('/');
    const key = rest.join('/');
    const xml = { 'content-type': 'application/xml' };
    if (key === '') {
      if (method === 'PUT') {
        this.createBucket(bucketName);
        return [200, {}, ''];
      }
      return [405, xml, errorXml('MethodNotAllowed', 'Only CreateBucket is supported on a bucket')];
    }
    const bucket = this.buckets.get(bucketName);
    if (!bucket) return [404, xml, errorXml('NoSuchBucket', 'The specified bucket does not exist')];
    const etag = (b: Buffer) => `"${createHash('md5').update(b).digest('hex')}"`;
    switch (method) {
      case 'PUT':
        bucket.set(key, { body, contentType: contentType ?? 'application/octet-stream' });
        return [200, { etag: etag(body) }, ''];
      case 'GET':
      case 'HEAD': {
        const o = bucket.get(key);
        if (!o) return [404, xml, method === 'HEAD' ? '' : errorXml('NoSuchKey', 'The specified key does not exist.')];
        const headers = { 'content-type': o.contentType, etag: etag(o.body), 'content-length': String(o.body.length) };
        return [200, headers, method === 'HEAD' ? '' : o.body];
      }
      case 'DELETE':
        bucket.delete(key);
        return [204, {}, ''];
      default:
        return [405, xml, errorXml('MethodNotAllowed', `${method} is not supported`)];
    }
  }
}
