/**
 * S3 as far as Sluice's log archive and S3 sensors need it, path-style
 * (`/bucket/key`): CreateBucket (PUT /bucket), ListObjectsV2 (GET
 * /bucket?list-type=2), PutObject, GetObject, HeadObject and DeleteObject,
 * objects kept in memory for tests to read.
 */
import { createHash } from 'node:crypto';

export interface S3Object {
  body: Buffer;
  contentType: string;
}

const xmlEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const etag = (b: Buffer) => `"${createHash('md5').update(b).digest('hex')}"`;

/** Keys in order after the continuation token (the last key of the page before), at most max-keys of them. */
function listObjects(name: string, bucket: Map<string, S3Object>, query: URLSearchParams): string {
  const prefix = query.get('prefix') ?? '';
  const after = query.get('continuation-token') ?? query.get('start-after') ?? '';
  const maxKeys = Math.max(1, Math.min(1000, Number(query.get('max-keys') ?? 1000) || 1000));
  const keys = [...bucket.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
  const page = keys.slice(0, maxKeys);
  const truncated = keys.length > page.length;
  const contents = page
    .map((key) => {
      const o = bucket.get(key);
      const body = o?.body ?? Buffer.alloc(0);
      return `<Contents><Key>${xmlEscape(key)}</Key><Size>${body.length}</Size><ETag>${xmlEscape(etag(body))}</ETag><StorageClass>STANDARD</StorageClass></Contents>`;
    })
    .join('');
  const next = truncated ? `<NextContinuationToken>${xmlEscape(page.at(-1) ?? '')}</NextContinuationToken>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${xmlEscape(name)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`;
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
    const [pathPart = '', queryPart = ''] = path.split('?');
    const [, bucketName = '', ...rest] = decodeURIComponent(pathPart).split('/');
    const key = rest.join('/');
    const xml = { 'content-type': 'application/xml' };
    const bucket = this.buckets.get(bucketName);
    if (key === '') {
      if (method === 'PUT') {
        this.createBucket(bucketName);
        return [200, {}, ''];
      }
      const query = new URLSearchParams(queryPart);
      if (method === 'GET' && query.get('list-type') === '2') {
        if (!bucket) return [404, xml, errorXml('NoSuchBucket', 'The specified bucket does not exist')];
        return [200, xml, listObjects(bucketName, bucket, query)];
      }
      return [405, xml, errorXml('MethodNotAllowed', 'Only CreateBucket and ListObjectsV2 are supported on a bucket')];
    }
    if (!bucket) return [404, xml, errorXml('NoSuchBucket', 'The specified bucket does not exist')];
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
