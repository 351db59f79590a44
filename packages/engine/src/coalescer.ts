/**
 * Turns concurrent calls into batches: a call made while a batch is in flight
 * waits for it and goes with the others in the next one. Idle, a call goes
 * at once — nothing waits on a timer — and under load N tries ending
 * together cost one statement instead of N.
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

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async send(batch: Array<{ arg: A; resolve: (r: R) => void; reject: (e: unknown) => void }>): Promise<void> {
    try {
      const results = await this.run(batch.map((b) => b.arg));
      batch.forEach((b, i) => b.resolve(results[i] as R));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
      await Promise.all(batch.map((b) => this.send([b])));
    }
  }
}
