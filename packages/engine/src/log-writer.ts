/**
 * Buffers one try's output and writes it to Postgres in chunks: a flush
 * every `flushMs` or when `maxChunkBytes` is buffered. Past `maxBytes` the
 * rest is dropped with one line saying so, so a task printing gigabytes
 * cannot fill the database.
 */
import { appendTaskLogs, type LogChunk, type Queryable } from '@sluice/db';

export type LogStream = LogChunk['stream'];

export interface LogWriterOptions {
  flushMs?: number;
  maxChunkBytes?: number;
  maxBytes?: number;
}

export class TaskLogWriter {
  private seq = 0;
  private bytes = 0;
  private truncated = false;
  private pending: LogChunk[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly flushMs: number;
  private readonly maxChunkBytes: number;
  private readonly maxBytes: number;

  constructor(
    private readonly db: Queryable,
    private readonly taskInstanceId: string,
    private readonly tryNumber: number,
    opts: LogWriterOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 250;
    this.maxChunkBytes = opts.maxChunkBytes ?? 64 * 1024;
    this.maxBytes = opts.maxBytes ?? 20 * 1024 * 1024;
  }

  write(stream: LogStream, text: string): void {
    if (text.length === 0 || this.truncated) return;
    const size = Buffer.byteLength(text);
    if (this.bytes + size > this.maxBytes) {
      this.truncated = true;
      this.push('system', `[log truncated: more than ${this.maxBytes} bytes of output]\n`);
      return;
    }
    this.bytes += size;
    this.push(stream, text);
  }

  private push(stream: LogStream, text: string): void {
    const last = this.pending.at(-1);
    if (last && last.stream === stream && Buffer.byteLength(last.text) + text.length < this.maxChunkBytes) {
      last.text += text;
    } else {
      this.pending.push({ seq: ++this.seq, stream, text });
    }
    this.pendingBytes += text.length;
    if (this.pendingBytes >= this.maxChunkBytes * 4) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.flushMs);
  }

  /**
   * Hands over what is still buffered instead of writing it, once earlier
   * writes are done: the try's last lines go into the statement that ends
   * the try, saving a round trip per task.
   */
  async takePending(): Promise<LogChunk[]> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.writing;
    const chunks = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    return chunks;
  }

  /** Writes what is buffered; resolves when everything written so far is in Postgres. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const chunks = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (chunks.length > 0) {
      this.writing = this.writing.then(() => appendTaskLogs(this.db, this.taskInstanceId, this.tryNumber, chunks));
    }
    return this.writing;
  }
}
