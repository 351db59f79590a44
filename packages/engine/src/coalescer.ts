/**
 * Turns concurrent calls into batches: a call made while a batch is in
 * flight waits for it and goes with the others in the next one, and the
 * calls made in one turn of the event loop go together. Idle, a call goes at the
 * end of the turn it was made in — nothing waits on a timer — and under load
 * N tries ending together cost one statement instead of N: the replies that
 * wake ten slots arrive in one read, and their ten claims go in one batch.
 *
 * When a batch of several fails, each of its calls is tried alone, so one bad
 * item (say, a log line Postgres refuses) fails only its own call.
 */
export class Coalescer<A, R> {
  private waiting: Array<{ arg: A; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;

  constructor(
    private readonly run: (args: A[]) => Promise<R[]>,
    opts: { maxInFlight?: number; maxBatch?: number } = {},
  ) {
    this.maxInFlight = opts.maxInFlight ?? 1;
    this.maxBatch = opts.maxBatch ?? 100;
  }

  call(arg: A): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ arg, resolve, reject });
      this.pump();
    });
  }

  private gathering = false;

  /** Sends what is waiting at the end of this turn, so calls made in it go together. */
  private pump(): void {
    if (this.gathering || this.inFlight >= this.maxInFlight || this.waiting.length === 0) return;
    this.gathering = true;
    setImmediate(() => {
      this.gathering = false;
      this.sendWaiting();
    });
  }

  private sendWaiting(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        // What came in meanwhile is a batch already.
        this.sendWaiting();
      });
    }
  }

  private async send(batch: Array<{ arg: A; resolve: (r: R) => void; reject: (e: unknown) => void }>): Promise<void> {
    try {
      const results = await this.run(batch.map((b) => b.arg));
      batch.forEach((b, i) => {
        b.resolve(results[i] as R);
      });
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
      await Promise.all(batch.map((b) => this.send([b])));
    }
  }
}
