/**
 * Command-line options of `npm run chaos`. Pure.
 */

export interface ChaosArgs {
  runs: number;
  tasks: number;
  workers: number;
  schedulers: number;
  kills: number;
  concurrency: number;
  postgresOutageMs: number;
  schedulerKill: boolean;
  redisFlush: boolean;
  aws: boolean;
  baseline: boolean;
  revive: boolean;
  longTasks: boolean;
  gapMs: number;
  settleMs: number | undefined;
  redisDb: number | undefined;
  out: string | undefined;
  logs: string | undefined;
  quick: boolean;
}

export const fullDefaults: ChaosArgs = {
  runs: 20,
  tasks: 50,
  workers: 3,
  schedulers: 2,
  kills: 20,
  concurrency: 4,
  postgresOutageMs: 10_000,
  schedulerKill: true,
  redisFlush: true,
  aws: true,
  baseline: true,
  revive: true,
  longTasks: true,
  gapMs: 1_500,
  settleMs: undefined,
  redisDb: undefined,
  out: undefined,
  logs: undefined,
  quick: false,
};

/** Small enough for a couple of minutes on a busy 2-core machine; every kind of fault once or twice. */
export const quickDefaults: ChaosArgs = {
  ...fullDefaults,
  runs: 3,
  tasks: 20,
  workers: 2,
  kills: 2,
  postgresOutageMs: 5_000,
  gapMs: 1_000,
  quick: true,
};

export const usage = `usage: npm run chaos -- [--quick] [--runs N] [--tasks N] [--workers N] [--schedulers N] [--kills N]
       [--concurrency N] [--pg-outage-ms N (0: none)] [--no-scheduler-kill] [--no-flush] [--no-aws] [--no-baseline]
       [--no-revive] [--no-long] [--gap-ms N] [--settle-ms N] [--redis-db N] [--out FILE] [--logs DIR]`;

export class UsageError extends Error {}

const numeric = {
  '--runs': 'runs',
  '--tasks': 'tasks',
  '--workers': 'workers',
  '--schedulers': 'schedulers',
  '--kills': 'kills',
  '--concurrency': 'concurrency',
  '--pg-outage-ms': 'postgresOutageMs',
  '--gap-ms': 'gapMs',
  '--settle-ms': 'settleMs',
  '--redis-db': 'redisDb',
} as const;
const flags = {
  '--no-scheduler-kill': 'schedulerKill',
  '--no-flush': 'redisFlush',
  '--no-aws': 'aws',
  '--no-baseline': 'baseline',
  '--no-revive': 'revive',
  '--no-long': 'longTasks',
} as const;

const isKey = <T extends object>(o: T, k: string): k is Extract<keyof T, string> => Object.hasOwn(o, k);

/** Parses `--name value` and `--name=value`; --quick sets the small defaults, which later options override. */
export function parseArgs(argv: readonly string[]): ChaosArgs {
  const args: ChaosArgs = { ...(argv.includes('--quick') ? quickDefaults : fullDefaults) };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    const eq = raw.indexOf('=');
    const name = eq >= 0 ? raw.slice(0, eq) : raw;
    const inline = eq >= 0 ? raw.slice(eq + 1) : undefined;
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    };
    if (name === '--quick') continue;
    if (isKey(numeric, name)) {
      const v = value();
      const n = Number(v);
      const min =
        name === '--kills' || name === '--pg-outage-ms' || name === '--gap-ms' || name === '--redis-db' ? 0 : 1;
      if (!Number.isInteger(n) || n < min)
        throw new UsageError(`${name} must be an integer of at least ${min}, got "${v}"`);
      args[numeric[name]] = n;
    } else if (isKey(flags, name)) {
      args[flags[name]] = false;
    } else if (name === '--out') args.out = value();
    else if (name === '--logs') args.logs = value();
    else throw new UsageError(`unknown argument "${raw}"`);
  }
  if (args.tasks < 2) throw new UsageError('--tasks must be at least 2');
  return args;
}
