/**
 * Buffers one try's output and writes it to Postgres in chunks: a flush
 * every `flushMs` or when `maxChunkBytes` is buffered. Past `maxBytes` the
 * rest is dropped with one line saying so, so a task printing gigabytes
 * cannot fill the database.
 *
 * A write that fails because Postgres is unreachable keeps its chunks and is
 * tried again with backoff; no flush, timer-driven or not, ever rejects. A
 * NUL in the output is stored as the visible `\u0000` (Postgres text cannot
 * hold it).
 */
import { toError } from '@sluice/core';
import {
  appendTaskLogs,
  escapeNul,
  isTransientDatabaseError,
  lastTaskLogSeq,
  type LogChunk,
  type Queryable,
} from '@sluice/db';

export type LogStream = LogChunk['stream'];

export interface LogWriterOptions {
  flushMs?: number;
  maxChunkBytes?: number;
  maxBytes?: number;
  /** The seq of the try's last line already in Postgres: this writer's first line gets the next one. Default 0. */
  afterSeq?: number;
  /** First wait before a failed write is tried again; doubles up to `retryMaxMs`. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Told of every failed write: `dropped` when the chunks could not be stored and were given up (not a transient failure). */
  onWriteError?: (err: Error, info: { dropped: boolean; chunks: number }) => void;
}

export class TaskLogWriter {
  private seq: number;
  private bytes = 0;
  private truncated = false;
  /** Chunks not yet in Postgres, in seq order: written ones leave, failed ones stay. */
  private pending: LogChunk[] = [];
  private pendingBytes = 0;
  /** Chunks of the write under way: nothing is appended to them. */
  private readonly inFlight = new Set<LogChunk>();
  private timer: NodeJS.Timeout | null = null;
  /** The running drain, if any: it writes until nothing is pending. */
  private draining: Promise<void> | null = null;
  /** Set by takePending: the drain stops after its current write. */
  private stopped = false;
  private readonly flushMs: number;
  private readonly maxChunkBytes: number;
  private readonly maxBytes: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly db: Queryable,
    private readonly taskInstanceId: string,
    private readonly tryNumber: number,
    private readonly opts: LogWriterOptions = {},
  ) {
    this.seq = opts.afterSeq ?? 0;
    this.flushMs = opts.flushMs ?? 250;
    this.maxChunkBytes = opts.maxChunkBytes ?? 64 * 1024;
    this.maxBytes = opts.maxBytes ?? 20 * 1024 * 1024;
    this.retryMinMs = opts.retryMinMs ?? 100;
    this.retryMaxMs = opts.retryMaxMs ?? 2000;
  }

  /**
   * A writer for a try whose log may have lines already (a deferred try
   * checked again): it goes on after the last of them instead of writing
   * over their seqs, which the insert would ignore.
   */
  static async continuing(
    db: Queryable,
    taskInstanceId: string,
    tryNumber: number,
    opts: Omit<LogWriterOptions, 'afterSeq'> = {},
  ): Promise<TaskLogWriter> {
    const afterSeq = await lastTaskLogSeq(db, taskInstanceId, tryNumber);
    return new TaskLogWriter(db, taskInstanceId, tryNumber, { ...opts, afterSeq });
  }

  write(stream: LogStream, raw: string): void {
    if (raw.length === 0 || this.truncated) return;
    const text = escapeNul(raw);
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
    // A chunk a drain is writing is not appended to: `last` may be in flight.
    if (
      last &&
      !this.inFlight.has(last) &&
      last.stream === stream &&
      Buffer.byteLength(last.text) + text.length < this.maxChunkBytes
    ) {
      last.text += text;
    } else {
      this.pending.push({ seq: ++this.seq, stream, text });
    }
    this.pendingBytes += text.length;
    if (this.stopped) return;
    if (this.pendingBytes >= this.maxChunkBytes * 4) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.flushMs);
  }

  /**
   * Hands over what is not in Postgres yet instead of writing it, once the
   * write under way has settled: the try's last lines, and any a failed
   * write kept, go into the statement that ends the try, saving a round trip
   * per task. Never rejects.
   */
  async takePending(): Promise<LogChunk[]> {
    this.stopped = true;
    this.clearTimer();
    await this.draining;
    const chunks = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    return chunks;
  }

  /**
   * Writes what is buffered; resolves when everything written so far is in
   * Postgres (or, for a write Postgres refused as such, given up and
   * reported). Never rejects: a transient failure is retried.
   */
  flush(): Promise<void> {
    this.clearTimer();
    if (this.pending.length === 0) return this.draining ?? Promise.resolve();
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private async drain(): Promise<void> {
    let delay = this.retryMinMs;
    while (this.pending.length > 0) {
      const chunks = [...this.pending];
      for (const c of chunks) this.inFlight.add(c);
      try {
        await appendTaskLogs(this.db, this.taskInstanceId, this.tryNumber, chunks);
        this.pending = this.pending.filter((c) => !this.inFlight.has(c));
        this.pendingBytes = this.pending.reduce((n, c) => n + c.text.length, 0);
        delay = this.retryMinMs;
      } catch (raw) {
        const err = toError(raw);
        const transient = isTransientDatabaseError(err);
        this.opts.onWriteError?.(err, { dropped: !transient, chunks: chunks.length });
        if (!transient) {
          this.pending = this.pending.filter((c) => !this.inFlight.has(c));
          this.pendingBytes = this.pending.reduce((n, c) => n + c.text.length, 0);
        } else if (!this.stopped) {
          await new Promise((resolve) => setTimeout(resolve, delay));
          delay = Math.min(this.retryMaxMs, delay * 2);
        }
      } finally {
        this.inFlight.clear();
      }
      // Once the try's end takes over the rest, the drain leaves it alone.
      if (this.stopped) return;
    }
  }
}
