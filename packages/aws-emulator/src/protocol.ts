import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { requestId } from './ids';

/**
 * An AWS error as the JSON 1.1 protocol carries it: an HTTP status plus
 * `{"__type": code, "message": ...}`. The SDK reads `__type` (and the
 * `x-amzn-errortype` header) to pick the exception class, so `err.name === code`.
 * Thrown by operation handlers; turned into a response by `sendError`.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Milliseconds → the epoch-seconds number the JSON protocols use for timestamps. */
export function epochSeconds(ms: number): number;
export function epochSeconds(ms: number | undefined): number | undefined;
export function epochSeconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

/** Everything a handler knows about the call besides its input. */
export interface CallContext {
  now: number;
  region: string;
}

export type Handler = (input: unknown, ctx: CallContext) => unknown;

/**
 * Parse an operation input; a mismatch becomes the ValidationException AWS
 * front ends answer for schema violations, naming the member.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const described = issues.map((issue) => {
    const path = issue.path.map((part) => lowerFirst(String(part))).join('.');
    return `Value at '${path}' failed to satisfy constraint: ${issue.message}`;
  });
  const count = issues.length;
  throw new ServiceError(
    'ValidationException',
    `${count} validation error${count === 1 ? '' : 's'} detected: ${described.join('; ')}`,
  );
}

function lowerFirst(text: string): string {
  return text.length === 0 ? text : text[0]?.toLowerCase() + text.slice(1);
}

/** The region in the SigV4 credential scope (`Credential=AKID/date/region/service/...`). */
export function regionOf(request: IncomingMessage): string {
  const authorization = request.headers.authorization ?? '';
  const match = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization);
  return match?.[1] ?? 'us-east-1';
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parse a JSON request body; an empty body is `{}` as the SDK sends for unit inputs. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ServiceError('SerializationException', 'Request body is not valid JSON');
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body ?? {});
  response.writeHead(status, {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId(),
    ...headers,
  });
  response.end(text);
}

export function sendError(response: ServerResponse, error: ServiceError): void {
  sendJson(response, error.status, { __type: error.code, message: error.message }, { 'x-amzn-errortype': error.code });
}

/** Paginate a list with an opaque offset token, as Marker/NextToken pagination. */
export function paginate<T>(
  items: readonly T[],
  token: string | undefined,
  pageSize: number,
  errorCode = 'InvalidRequestException',
): { page: T[]; next: string | undefined } {
  const start = token === undefined ? 0 : Number.parseInt(token, 10);
  if (!Number.isInteger(start) || start < 0 || start > items.length) {
    throw new ServiceError(errorCode, 'Invalid pagination token');
  }
  const end = start + pageSize;
  return { page: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}
