import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomUpper(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return out;
}

/** `j-` plus 13 characters, like real EMR job flow ids. */
export const clusterId = (): string => `j-${randomUpper(13)}`;

/** `s-` plus 13 characters, like real EMR step ids. */
export const stepId = (): string => `s-${randomUpper(13)}`;

/** `jr_` plus 64 hex characters, like real Glue job run ids. */
export const jobRunId = (): string => `jr_${randomBytes(32).toString('hex')}`;

export const requestId = (): string => randomBytes(16).toString('hex');
