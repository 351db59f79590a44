// @ts-check
/**
 * Child process that imports DAG bundles for the loader, one at a time in
 * the order they arrive, and reports the DAG specs each defines. Plain
 * JavaScript on purpose: it only imports bundles, and must start fast
 * without a TypeScript loader.
 * Protocol (IPC): parent sends { id, fileLoc, bundlePath }; child answers
 * { id, specs } or { id, error: { message, stack } }. A crash outside an
 * import is reported as { crash: { message, stack } } before exiting.
 */
import { pathToFileURL } from 'node:url';

const realExit = process.exit.bind(process);
const registryExport = process.argv[2] ?? '__sluiceRegisteredDags';

// A DAG file calling process.exit() gets an ordinary import error with its line.
process.exit = /** @type {typeof process.exit} */ (
  (code) => {
    throw new Error(`DAG file called process.exit(${code ?? ''}); DAG files must not exit the process`);
  }
);

/** @param {unknown} raw */
function plain(raw) {
  if (raw instanceof Error) return { message: `${raw.name}: ${raw.message}`, stack: raw.stack ?? null };
  return { message: String(raw), stack: null };
}

/** @param {unknown} raw */
function crash(raw) {
  try {
    process.send?.({ crash: plain(raw) }, () => realExit(70));
  } catch {
    realExit(70);
  }
}
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

/** @param {{ id: number; fileLoc: string; bundlePath: string }} msg */
async function evaluate(msg) {
  try {
    const mod = await import(pathToFileURL(msg.bundlePath).href);
    const registered = mod[registryExport];
    const dags = typeof registered === 'function' ? registered() : [];
    const specs = dags.map((/** @type {{ toSpec(): unknown }} */ d) => d.toSpec());
    process.send?.({ id: msg.id, specs });
  } catch (raw) {
    process.send?.({ id: msg.id, error: plain(raw) });
  }
}

// Files arrive ahead of time; each is imported after the one before it has finished.
let previous = Promise.resolve();
process.on('message', (/** @type {{ id: number; fileLoc: string; bundlePath: string }} */ msg) => {
  previous = previous.then(() => evaluate(msg));
});
process.send?.({ ready: true });
