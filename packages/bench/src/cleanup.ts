/**
 * Everything the benchmark creates (schemas, Redis keys, child processes,
 * generated files) is undone here, in reverse order, on success, on failure
 * and on Ctrl-C.
 */

type Undo = { what: string; fn: () => Promise<void> };

export class Cleanup {
  #steps: Undo[] = [];
  #running: Promise<void> | null = null;

  /** Registers `fn` to run at cleanup; later steps run first. */
  add(what: string, fn: () => Promise<void>): void {
    this.#steps.push({ what, fn });
  }

  /** Runs every step registered so far once, even when some fail; reports failures on stderr. */
  run(): Promise<void> {
    this.#running = (this.#running ?? Promise.resolve()).then(async () => {
      for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
        try {
          await step.fn();
        } catch (raw) {
          process.stderr.write(`cleanup: ${step.what} failed: ${raw instanceof Error ? raw.message : String(raw)}\n`);
        }
      }
    });
    return this.#running;
  }

  /** True once SIGINT/SIGTERM arrived: start nothing new. */
  get aborted(): boolean {
    return this.#aborted;
  }

  #aborted = false;

  /**
   * On SIGINT/SIGTERM: marks the run aborted and cleans up at once (which
   * makes whatever is in flight fail fast), gives the main flow a few
   * seconds to reach its own cleanup, cleans up what it added meanwhile,
   * and exits 130. A second signal exits at once.
   */
  onSignals(graceMs = 5_000): void {
    const handler = (signal: NodeJS.Signals) => {
      if (this.#aborted) process.exit(130);
      this.#aborted = true;
      process.stderr.write(`\n${signal}: cleaning up…\n`);
      void this.run()
        .then(() => new Promise((r) => setTimeout(r, graceMs).unref()))
        .then(() => this.run())
        .finally(() => process.exit(130));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  }
}
