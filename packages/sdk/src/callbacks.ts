/**
 * Callbacks a DAG or task declares (`onFailure`, `onRetry`, `onSuccess`,
 * `onDeadlineMiss`) and the notifiers usable as one. A callback is a
 * function of the DAG file, run on a worker in a task process like a `fn`
 * task, or a notifier (`notify.slack(...)`) run by the worker; either may be
 * wrapped in `callback(x, { timeout, retries })`, and a list runs each.
 */
import { InvalidOptionsError, type CallbackEvent, type CallbackSpec, type NotifierKind } from '@sluice/core';
import { checkInt, checkJson, checkKnownKeys, checkObject, checkString, isPlainObject } from './check';
import { type Duration, describe, parseDuration } from './duration';

/** What a callback function receives. */
export interface CallbackContext {
  event: CallbackEvent;
  dag: { dagId: string; owner: string | null };
  run: {
    runId: string;
    logicalDate: Date;
    dataInterval: { start: Date; end: Date };
    conf: Record<string, unknown>;
    state: string;
    /** When the run's deadline passed (onDeadlineMiss), else null. */
    deadlineAt: Date | null;
  };
  /** The task whose try ended; null for onDeadlineMiss. */
  task: { taskId: string; state: string; tryNumber: number; maxTries: number } | null;
  /** What the try threw (onFailure, onRetry). */
  error: { name: string; message: string } | null;
  /** The task's (or run's) page in the UI, when the worker knows the UI's address (SLUICE_BASE_URL). */
  url: string | null;
  /** The try's log through the API, likewise. */
  logUrl: string | null;
  /** Writes a line to the callback's record on the run. */
  log(...args: unknown[]): void;
}

export type CallbackFunction = (ctx: CallbackContext) => Promise<void> | void;

const notifierMark = 'sluice.notifier';

/** A notifier as a DAG file holds it: plain JSON the worker runs. */
export interface Notifier {
  readonly kind: typeof notifierMark;
  readonly notifier: NotifierKind;
  readonly options: Record<string, unknown>;
}

/** A value read from the worker's environment instead of written in the DAG file (webhook URLs, secrets). */
export type SecretValue = string | { env: string };

export interface CallbackSettings {
  /** How long one attempt may take (default 60 s). */
  timeout?: Duration;
  /** Attempts after a failed one (default 2). */
  retries?: number;
}

/** A callback with its own timeout and retries. */
export interface CallbackWithSettings extends CallbackSettings {
  readonly kind: 'sluice.callback';
  readonly run: CallbackFunction | Notifier;
}

export type CallbackInput = CallbackFunction | Notifier | CallbackWithSettings | ReadonlyArray<CallbackInput>;

export const CALLBACK_DEFAULT_TIMEOUT_MS = 60_000;
export const CALLBACK_DEFAULT_RETRIES = 2;

/** Sets a callback's timeout and retries: `onFailure: callback(notify.slack({...}), { retries: 5 })`. */
export function callback(run: CallbackFunction | Notifier, settings: CallbackSettings = {}): CallbackWithSettings {
  return { kind: 'sluice.callback', run, ...settings };
}

/** A compiled list: the JSON specs, and the functions by the same index (undefined for notifiers). */
export interface CompiledCallbacks {
  specs: CallbackSpec[];
  functions: Array<CallbackFunction | undefined>;
}

/** Validates one event's callbacks; throws InvalidOptionsError naming `option`. */
export function compileCallbacks(input: unknown, option: string): CompiledCallbacks {
  const out: CompiledCallbacks = { specs: [], functions: [] };
  const add = (raw: unknown, where: string, settings: CallbackSettings): void => {
    const timeoutMs =
      settings.timeout === undefined
        ? CALLBACK_DEFAULT_TIMEOUT_MS
        : parseDuration(settings.timeout, `${where} timeout`);
    if (timeoutMs <= 0) throw new InvalidOptionsError(`${where} timeout must be longer than 0`);
    const retries =
      settings.retries === undefined ? CALLBACK_DEFAULT_RETRIES : checkInt(settings.retries, `${where} retries`, 0, 20);
    if (typeof raw === 'function') {
      out.specs.push({ type: 'function', timeoutMs, retries });
      out.functions.push(raw as CallbackFunction);
      return;
    }
    if (isPlainObject(raw) && raw['kind'] === notifierMark) {
      const n = raw as unknown as Notifier;
      checkJson(n.options, `${where} options`);
      out.specs.push({
        type: 'notifier',
        notifier: n.notifier,
        options: structuredClone(n.options),
        timeoutMs,
        retries,
      });
      out.functions.push(undefined);
      return;
    }
    throw new InvalidOptionsError(
      `${where} must be a function, a notifier (notify.slack(...)…), callback(...) or a list of them, got ${describe(raw)}`,
    );
  };
  const walk = (raw: unknown, where: string): void => {
    if (Array.isArray(raw)) {
      raw.forEach((item: unknown, i) => {
        walk(item, `${where}[${i}]`);
      });
      return;
    }
    if (isPlainObject(raw) && raw['kind'] === 'sluice.callback') {
      checkKnownKeys(raw, ['kind', 'run', 'timeout', 'retries'], (k) => `${where} ${k}`);
      add(raw['run'], where, raw as CallbackSettings);
      return;
    }
    add(raw, where, {});
  };
  walk(input, option);
  return out;
}

function checkSecret(value: unknown, option: string): SecretValue {
  if (isPlainObject(value)) {
    checkKnownKeys(value, ['env'], (k) => `${option}.${k}`);
    return { env: checkString(value['env'], `${option}.env`) };
  }
  return checkString(value, option);
}

function notifier(kind: NotifierKind, options: Record<string, unknown>): Notifier {
  const clean = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  checkJson(clean, `notify.${kind}() options`);
  return { kind: notifierMark, notifier: kind, options: clean };
}

export interface SlackInput {
  /** The incoming webhook's URL; `{ env: 'NAME' }` reads it from the worker's environment. */
  webhookUrl: SecretValue;
  /** Text before the facts (default: what happened, e.g. "Task load failed"). */
  text?: string;
}

export interface WebhookInput {
  url: SecretValue;
  /** Signs the body with HMAC-SHA256: header `X-Sluice-Signature: sha256=<hex>`. */
  secret?: SecretValue;
  headers?: Record<string, string>;
}

export interface EmailInput {
  smtp: { host: string; port?: number; secure?: boolean; user?: string; password?: SecretValue };
  from: string;
  to: string | string[];
  /** Default: what happened, e.g. "[sluice] daily_etl.load failed (try 3 of 3)". */
  subject?: string;
}

export interface SnsInput {
  topicArn: string;
  region?: string;
  /** An endpoint other than AWS's (a local emulator). */
  endpoint?: string;
  /** A named connection (`sluice connections set`) for region, role and credentials. */
  connection?: string;
}

/** Notifiers: each usable as a callback in one line, e.g. `onFailure: notify.slack({ webhookUrl: { env: 'SLACK_URL' } })`. */
export const notify = {
  /** A Slack incoming webhook: a Block Kit message linking to the task. */
  slack(input: SlackInput): Notifier {
    const o = checkObject(input, 'notify.slack() options');
    checkKnownKeys(o, ['webhookUrl', 'text'], (k) => `notify.slack() option ${k}`);
    return notifier('slack', {
      webhookUrl: checkSecret(o['webhookUrl'], 'notify.slack() option webhookUrl'),
      text: o['text'] === undefined ? undefined : checkString(o['text'], 'notify.slack() option text'),
    });
  },
  /** A JSON POST, signed with HMAC-SHA256 when `secret` is given. */
  webhook(input: WebhookInput): Notifier {
    const o = checkObject(input, 'notify.webhook() options');
    checkKnownKeys(o, ['url', 'secret', 'headers'], (k) => `notify.webhook() option ${k}`);
    return notifier('webhook', {
      url: checkSecret(o['url'], 'notify.webhook() option url'),
      secret: o['secret'] === undefined ? undefined : checkSecret(o['secret'], 'notify.webhook() option secret'),
      headers: o['headers'] === undefined ? undefined : checkObject(o['headers'], 'notify.webhook() option headers'),
    });
  },
  /** An e-mail over SMTP. */
  email(input: EmailInput): Notifier {
    const o = checkObject(input, 'notify.email() options');
    checkKnownKeys(o, ['smtp', 'from', 'to', 'subject'], (k) => `notify.email() option ${k}`);
    const smtp = checkObject(o['smtp'], 'notify.email() option smtp');
    checkKnownKeys(smtp, ['host', 'port', 'secure', 'user', 'password'], (k) => `notify.email() option smtp.${k}`);
    checkString(smtp['host'], 'notify.email() option smtp.host');
    if (smtp['port'] !== undefined) checkInt(smtp['port'], 'notify.email() option smtp.port', 1, 65535);
    const to = typeof o['to'] === 'string' ? [o['to']] : o['to'];
    if (!Array.isArray(to) || to.length === 0 || !to.every((t) => typeof t === 'string' && t.includes('@')))
      throw new InvalidOptionsError(
        `notify.email() option to must be an address or a list of them, got ${describe(o['to'])}`,
      );
    return notifier('email', {
      smtp: {
        ...smtp,
        ...(smtp['password'] === undefined
          ? {}
          : { password: checkSecret(smtp['password'], 'notify.email() option smtp.password') }),
      },
      from: checkString(o['from'], 'notify.email() option from'),
      to,
      subject: o['subject'] === undefined ? undefined : checkString(o['subject'], 'notify.email() option subject'),
    });
  },
  /** An SNS Publish to a topic. */
  sns(input: SnsInput): Notifier {
    const o = checkObject(input, 'notify.sns() options');
    checkKnownKeys(o, ['topicArn', 'region', 'endpoint', 'connection'], (k) => `notify.sns() option ${k}`);
    const topicArn = checkString(o['topicArn'], 'notify.sns() option topicArn');
    if (!topicArn.startsWith('arn:'))
      throw new InvalidOptionsError(
        `notify.sns() option topicArn must be an ARN (arn:aws:sns:…), got ${describe(topicArn)}`,
      );
    const opt = (k: string) => (o[k] === undefined ? undefined : checkString(o[k], `notify.sns() option ${k}`));
    return notifier('sns', {
      topicArn,
      region: opt('region'),
      endpoint: opt('endpoint'),
      connection: opt('connection'),
    });
  },
};
