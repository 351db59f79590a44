/**
 * The logger every process makes: one line per event, pretty and coloured
 * when a person reads it in a terminal (`npm start`), JSON lines otherwise
 * (a file, a log shipper). `auto` picks by whether stdout is a terminal;
 * `sluice start` passes `pretty` to the processes it prints for.
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'auto' | 'pretty' | 'json';

export function createLogger(opts: {
  level: string;
  format: LogFormat;
  /** Whether stdout is a terminal (process.stdout.isTTY). */
  isTty: boolean;
  /** Where lines go; stdout by default. */
  destination?: NodeJS.WritableStream;
}): Logger {
  const usePretty = opts.format === 'pretty' || (opts.format === 'auto' && opts.isTty);
  if (!usePretty) return opts.destination ? pino({ level: opts.level }, opts.destination) : pino({ level: opts.level });
  return pino(
    { level: opts.level },
    pretty({
      ...(opts.destination ? { destination: opts.destination } : {}),
      colorize: opts.destination === undefined,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      singleLine: true,
      sync: true,
    }),
  );
}
