/**
 * The worker's CallbackRunner: a DAG file's callback function runs in a
 * task process of the fn pool (isolated as `fn` tasks are, killed on its
 * timeout); a notifier runs here, as platform code, with the attempt's
 * signal for its timeout.
 */
import type { CallbackRunner } from '@sluice/engine';
import type { FnPool } from './fn-pool';
import { sendNotification, type NotifierDeps } from './notifiers';

export function createCallbackRunner(fnPool: FnPool, notifiers: NotifierDeps): CallbackRunner {
  return {
    async run(req) {
      const { spec } = req;
      if (spec.type === 'function') {
        await fnPool.runCallback(req);
        return;
      }
      req.log(await sendNotification(spec.notifier, spec.options, req.context, notifiers, req.signal));
    },
  };
}
