/** Polls `probe` until it returns true; throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
