/**
 * The last line of defence of a long-running Sluice process. A promise
 * rejected in background work (a timer, an event handler) with nobody to
 * catch it would otherwise end the process — and with it every try the
 * worker holds, or the scheduler's loop — for what is usually a passing
 * failure, such as Postgres restarting. Each is logged at error level with
 * its stack, so the fault that let it through is seen and fixed, and the
 * process goes on. Uncaught exceptions still end the process: after one,
 * its state is not to be trusted.
 */
import { toError } from '@sluice/core';
import type { Logger } from 'pino';

let installed: ((reason: unknown) => void) | null = null;

export function installProcessGuards(logger: Logger, processName: string): void {
  if (installed) process.off('unhandledRejection', installed);
  installed = (reason: unknown) => {
    logger.error(
      { err: toError(reason), process: processName },
      'unhandled rejection in background work; the process keeps running',
    );
  };
  process.on('unhandledRejection', installed);
}
