/** The HTTP server: JSON 1.1 calls on `POST /`, the control API under `/_emulator/`. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Durations, Now } from './clock';
import { createControl, type EmulatorControl } from './control';
import { CONTROL_PREFIX, handleControl } from './control-http';
import { Emulator } from './emulator';
import { parseJsonBody, readBody, regionOf, sendError, sendJson, ServiceError } from './protocol';
import { SnsService } from './sns/service';
import { S3Service } from './s3/service';

export interface AwsEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number | undefined;
  host?: string | undefined;
  durations?: Partial<Durations> | undefined;
  /** The clock, in epoch ms; defaults to Date.now. Pass `new ManualClock().now` to drive time by hand. */
  now?: Now | undefined;
}

export interface AwsEmulator {
  /** `http://host:port`, the value for the SDK's `endpoint` or AWS_ENDPOINT_URL. */
  url: string;
  port: number;
  control: EmulatorControl;
  /** SNS topics and the messages they got. */
  sns: SnsService;
  /** S3 buckets and their objects (path-style requests: the client needs forcePathStyle). */
  s3: S3Service;
  close(): Promise<void>;
}

export async function startAwsEmulator(options: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
  const emulator = new Emulator({ durations: options.durations, now: options.now });
  const control = createControl(emulator);
  const sns = new SnsService(emulator.now);
  const s3 = new S3Service();
  const server = createServer((request, response) => {
    handle(emulator, control, { sns, s3 }, request, response).catch((raw: unknown) => {
      const message = raw instanceof Error ? raw.message : String(raw);
      if (!response.headersSent) sendError(response, new ServiceError('InternalFailure', message, 500));
      else response.destroy();
    });
  });
  // Keep-alive sockets from SDK clients must not hold close() open.
  server.keepAliveTimeout = 1000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    control,
    sns,
    s3,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(
  emulator: Emulator,
  control: EmulatorControl,
  { sns, s3 }: { sns: SnsService; s3: S3Service },
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.url?.startsWith(CONTROL_PREFIX)) {
    await handleControl(control, request, response);
    return;
  }
  // SNS speaks the query protocol: a form with `Action=`, answered in XML.
  if (request.method === 'POST' && request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
    const [status, xml] = sns.dispatch(new URLSearchParams(await readBody(request)), regionOf(request));
    response.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
    response.end(xml);
    return;
  }
  const target = request.headers['x-amz-target'];
  // S3 is REST: a method on /bucket/key, no X-Amz-Target.
  if (typeof target !== 'string' && request.method !== 'POST') {
    const body = Buffer.from(await readBody(request), 'utf8');
    const [status, headers, out] = s3.handle(
      request.method ?? 'GET',
      request.url ?? '/',
      body,
      request.headers['content-type'],
    );
    response.writeHead(status, {
      ...headers,
      ...(request.method === 'HEAD' ? {} : { 'content-length': String(Buffer.byteLength(out)) }),
    });
    response.end(request.method === 'HEAD' ? undefined : out);
    return;
  }
  if (request.method !== 'POST' || typeof target !== 'string') {
    sendError(response, new ServiceError('UnknownOperationException', 'Expected POST with an X-Amz-Target header'));
    return;
  }
  try {
    const input = parseJsonBody(await readBody(request));
    sendJson(response, 200, emulator.dispatch(target, input, regionOf(request)));
  } catch (raw) {
    if (raw instanceof ServiceError) sendError(response, raw);
    else throw raw;
  }
}
