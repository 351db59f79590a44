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

  /** Cleans up and exits on SIGINT/SIGTERM (a second signal exits at once). */
  onSignals(): void {
    let signalled = false;
    const handler = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(130);
      signalled = true;
      process.stderr.write(`\n${signal}: cleaning up…\n`);
      void this.run().finally(() => process.exit(130));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  }
}
