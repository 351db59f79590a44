/**
 * How loud a BullMQ worker error is. Lock races are expected (a job whose
 * lock expired while its process was busy or Redis blinked, a job finished
 * by another path): the try's fate is decided in Postgres, not by the lock,
 * so they are debug lines, not errors.
 */
const LOCK_RACES = [/^Missing lock for job /, /^could not renew lock for job /, /^Lock mismatch for job /];

export function jobErrorLevel(err: Error): 'debug' | 'error' {
  return LOCK_RACES.some((re) => re.test(err.message)) ? 'debug' : 'error';
}
