/** The POST every HTTP notifier makes: a non-2xx answer fails the attempt with what the receiver said. */
export type NotifierEnv = Readonly<Record<string, string | undefined>>;

/** Thrown when a receiver answers with a status other than 2xx. */
export class NotifierHttpError extends Error {
  override readonly name = 'NotifierHttpError';
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`the receiver answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
  }
}

export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'sluice', ...headers },
    body,
    signal,
  });
  if (!res.ok) throw new NotifierHttpError(res.status, await res.text().catch(() => ''));
  await res.body?.cancel();
}
