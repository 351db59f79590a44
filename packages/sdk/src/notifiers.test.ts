import { InvalidOptionsError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { callback, compileCallbacks, notify } from './callbacks';

const onFailure = () => undefined;
const onRetry = () => undefined;

describe('compileCallbacks', () => {
  it('flattens nested lists in order, keeping each function at its index and none for a notifier', () => {
    const slack = notify.slack({ webhookUrl: 'https://hooks.slack.local/x' });
    const compiled = compileCallbacks(
      [onFailure, [slack, callback(onRetry, { timeout: '30s', retries: 5 })]],
      'onFailure',
    );
    expect(compiled.specs).toEqual([
      { type: 'function', timeoutMs: 60_000, retries: 2 },
      {
        type: 'notifier',
        notifier: 'slack',
        options: { webhookUrl: 'https://hooks.slack.local/x' },
        timeoutMs: 60_000,
        retries: 2,
      },
      { type: 'function', timeoutMs: 30_000, retries: 5 },
    ]);
    expect(compiled.functions).toEqual([onFailure, undefined, onRetry]);
  });

  it('gives a wrapped notifier its own timeout and retries, and copies its options', () => {
    const hook = notify.webhook({ url: 'http://hooks.local/x', headers: { 'X-Team': 'data' } });
    const compiled = compileCallbacks(callback(hook, { timeout: 1500, retries: 0 }), 'onSuccess');
    expect(compiled.specs).toEqual([
      {
        type: 'notifier',
        notifier: 'webhook',
        options: { url: 'http://hooks.local/x', headers: { 'X-Team': 'data' } },
        timeoutMs: 1500,
        retries: 0,
      },
    ]);
    (hook.options['headers'] as Record<string, string>)['X-Team'] = 'changed';
    expect(compiled.specs[0]).toMatchObject({ options: { headers: { 'X-Team': 'data' } } });
  });

  it('compiles an empty list to no callbacks', () => {
    expect(compileCallbacks([], 'onRetry')).toEqual({ specs: [], functions: [] });
  });

  it('names the place in the list of what is not a callback', () => {
    expect(() => compileCallbacks([onFailure, 42], 'onFailure')).toThrow(
      new InvalidOptionsError(
        'onFailure[1] must be a function, a notifier (notify.slack(...)…), callback(...) or a list of them, got number 42',
      ),
    );
    expect(() => compileCallbacks({ kind: 'sluice.other', run: onFailure }, 'onRetry')).toThrow(
      'onRetry must be a function, a notifier (notify.slack(...)…), callback(...) or a list of them, got an object',
    );
  });

  it('refuses an unknown setting, retries out of 0–20 and a timeout that is not a duration', () => {
    expect(() => compileCallbacks({ ...callback(onFailure), tries: 3 }, 'onFailure')).toThrow(
      'onFailure tries is not a known option (known: kind, run, timeout, retries)',
    );
    expect(() => compileCallbacks(callback(onFailure, { retries: 21 }), 'onFailure')).toThrow(
      'onFailure retries must be an integer between 0 and 20, got number 21',
    );
    expect(() => compileCallbacks(callback(onFailure, { retries: -1 }), 'onFailure')).toThrow(
      'onFailure retries must be an integer between 0 and 20',
    );
    expect(compileCallbacks(callback(onFailure, { retries: 20 }), 'onFailure').specs[0]?.retries).toBe(20);
    expect(() => compileCallbacks(callback(onFailure, { timeout: 'soon' as never }), 'onFailure')).toThrow(
      'onFailure timeout "soon" is not a duration',
    );
    expect(() => compileCallbacks([callback(onFailure, { timeout: '0s' })], 'onFailure')).toThrow(
      'onFailure[0] timeout must be longer than 0',
    );
    expect(compileCallbacks(callback(onFailure, { timeout: 1 }), 'onFailure').specs[0]?.timeoutMs).toBe(1);
  });

  it('refuses a notifier whose options are not JSON', () => {
    const forged = { kind: 'sluice.notifier', notifier: 'webhook', options: { url: 'http://x', sign: () => 'x' } };
    expect(() => compileCallbacks(forged, 'onFailure')).toThrow('onFailure options.sign must be JSON');
  });
});

describe('notify', () => {
  it('slack: a webhook URL written out or read from the environment, and an optional text', () => {
    expect(notify.slack({ webhookUrl: { env: 'SLACK_URL' } })).toEqual({
      kind: 'sluice.notifier',
      notifier: 'slack',
      options: { webhookUrl: { env: 'SLACK_URL' } },
    });
    expect(notify.slack({ webhookUrl: 'https://hooks.slack.local/x', text: 'ETL' }).options).toEqual({
      webhookUrl: 'https://hooks.slack.local/x',
      text: 'ETL',
    });
    expect(() => notify.slack({ webhookUrl: { env: 'SLACK_URL', value: 'x' } as never })).toThrow(
      'notify.slack() option webhookUrl.value is not a known option (known: env)',
    );
    expect(() => notify.slack({ webhookUrl: { env: '' } })).toThrow(
      'notify.slack() option webhookUrl.env must be a non-empty string',
    );
    expect(() => notify.slack({ webhookUrl: 5 as never })).toThrow(
      'notify.slack() option webhookUrl must be a non-empty string',
    );
    expect(() => notify.slack({ webhookUrl: 'u', text: 5 as never })).toThrow(
      'notify.slack() option text must be a non-empty string',
    );
    expect(() => notify.slack({ webhookUrl: 'u', channel: '#x' } as never)).toThrow(
      'notify.slack() option channel is not a known option (known: webhookUrl, text)',
    );
    expect(() => notify.slack('u' as never)).toThrow('notify.slack() options must be an object, got "u"');
  });

  it('keeps options left out out of the stored notifier, and names a value that is not JSON', () => {
    expect(Object.keys(notify.slack({ webhookUrl: 'u' }).options)).toEqual(['webhookUrl']);
    expect(Object.keys(notify.sns({ topicArn: 'arn:x' }).options)).toEqual(['topicArn']);
    expect(() => notify.webhook({ url: 'u', headers: { A: (() => 'b') as never } })).toThrow(
      'notify.webhook() options.headers.A must be JSON',
    );
  });

  it('marks each notifier with its kind, which picks what the worker runs', () => {
    const kinds = [
      notify.slack({ webhookUrl: 'u' }),
      notify.webhook({ url: 'u' }),
      notify.email({ smtp: { host: 'm' }, from: 'a@b', to: 'c@d' }),
      notify.sns({ topicArn: 'arn:x' }),
    ].map((n) => [n.kind, n.notifier]);
    expect(kinds).toEqual([
      ['sluice.notifier', 'slack'],
      ['sluice.notifier', 'webhook'],
      ['sluice.notifier', 'email'],
      ['sluice.notifier', 'sns'],
    ]);
  });

  it('names each notifier whose options are not an object', () => {
    expect(() => notify.webhook('u' as never)).toThrow('notify.webhook() options must be an object');
    expect(() => notify.email('u' as never)).toThrow('notify.email() options must be an object');
    expect(() => notify.sns('u' as never)).toThrow('notify.sns() options must be an object');
    expect(() => notify.sns({ topicArn: '' })).toThrow('notify.sns() option topicArn must be a non-empty string');
  });

  it('webhook: a URL, a signing secret and headers', () => {
    expect(notify.webhook({ url: 'http://h', secret: { env: 'HOOK_SECRET' }, headers: { A: 'b' } }).options).toEqual({
      url: 'http://h',
      secret: { env: 'HOOK_SECRET' },
      headers: { A: 'b' },
    });
    expect(notify.webhook({ url: { env: 'HOOK_URL' } }).options).toEqual({ url: { env: 'HOOK_URL' } });
    expect(() => notify.webhook({ url: 'http://h', secret: '' })).toThrow(
      'notify.webhook() option secret must be a non-empty string',
    );
    expect(() => notify.webhook({ url: 'http://h', headers: 'A: b' as never })).toThrow(
      'notify.webhook() option headers must be an object, got "A: b"',
    );
    expect(() => notify.webhook({ url: '' })).toThrow('notify.webhook() option url must be a non-empty string');
    expect(() => notify.webhook({ url: 'http://h', method: 'PUT' } as never)).toThrow(
      'notify.webhook() option method is not a known option (known: url, secret, headers)',
    );
  });

  it('email: one address or several, an SMTP server with a port in range and a password from the environment', () => {
    expect(
      notify.email({
        smtp: { host: 'mail.local', port: 465, secure: true, user: 'etl', password: { env: 'SMTP_PASSWORD' } },
        from: 'sluice@example.com',
        to: 'data@example.com',
        subject: 'ETL',
      }).options,
    ).toEqual({
      smtp: { host: 'mail.local', port: 465, secure: true, user: 'etl', password: { env: 'SMTP_PASSWORD' } },
      from: 'sluice@example.com',
      to: ['data@example.com'],
      subject: 'ETL',
    });
    expect(notify.email({ smtp: { host: 'mail.local' }, from: 'a@b', to: ['c@d', 'e@f'] }).options).toEqual({
      smtp: { host: 'mail.local' },
      from: 'a@b',
      to: ['c@d', 'e@f'],
    });
    expect(notify.email({ smtp: { host: 'mail.local', port: 1 }, from: 'a@b', to: 'c@d' }).options['smtp']).toEqual({
      host: 'mail.local',
      port: 1,
    });
    expect(notify.email({ smtp: { host: 'mail.local', port: 65535 }, from: 'a@b', to: 'c@d' }).options['to']).toEqual([
      'c@d',
    ]);
    const refusals: Array<[unknown, string]> = [
      [
        { smtp: { host: 'm', port: 0 }, from: 'a@b', to: 'c@d' },
        'notify.email() option smtp.port must be an integer between 1 and 65535',
      ],
      [
        { smtp: { host: 'm', port: 65536 }, from: 'a@b', to: 'c@d' },
        'notify.email() option smtp.port must be an integer between 1 and 65535',
      ],
      [{ smtp: { host: '' }, from: 'a@b', to: 'c@d' }, 'notify.email() option smtp.host must be a non-empty string'],
      [
        { smtp: { host: 'm', tls: true }, from: 'a@b', to: 'c@d' },
        'notify.email() option smtp.tls is not a known option (known: host, port, secure, user, password)',
      ],
      [{ smtp: 'm', from: 'a@b', to: 'c@d' }, 'notify.email() option smtp must be an object'],
      [
        { smtp: { host: 'm', password: '' }, from: 'a@b', to: 'c@d' },
        'notify.email() option smtp.password must be a non-empty string',
      ],
      [{ smtp: { host: 'm' }, from: '', to: 'c@d' }, 'notify.email() option from must be a non-empty string'],
      [
        { smtp: { host: 'm' }, from: 'a@b', to: [] },
        'notify.email() option to must be an address or a list of them, got an array',
      ],
      [
        { smtp: { host: 'm' }, from: 'a@b', to: ['c@d', 'nobody'] },
        'notify.email() option to must be an address or a list of them',
      ],
      [
        { smtp: { host: 'm' }, from: 'a@b', to: ['c@d', 5] },
        'notify.email() option to must be an address or a list of them',
      ],
      [
        { smtp: { host: 'm' }, from: 'a@b', to: 5 },
        'notify.email() option to must be an address or a list of them, got number 5',
      ],
      [
        { smtp: { host: 'm' }, from: 'a@b', to: 'c@d', subject: '' },
        'notify.email() option subject must be a non-empty string',
      ],
      [
        { smtp: { host: 'm' }, from: 'a@b', to: 'c@d', cc: 'e@f' },
        'notify.email() option cc is not a known option (known: smtp, from, to, subject)',
      ],
    ];
    for (const [input, message] of refusals) expect(() => notify.email(input as never), message).toThrow(message);
  });

  it('sns: a topic ARN, and a region, endpoint and connection when given', () => {
    expect(
      notify.sns({
        topicArn: 'arn:aws:sns:eu-west-1:1:alerts',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:4566',
        connection: 'aws_prod',
      }).options,
    ).toEqual({
      topicArn: 'arn:aws:sns:eu-west-1:1:alerts',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      connection: 'aws_prod',
    });
    expect(notify.sns({ topicArn: 'arn:aws:sns:eu-west-1:1:alerts' }).options).toEqual({
      topicArn: 'arn:aws:sns:eu-west-1:1:alerts',
    });
    for (const key of ['region', 'endpoint', 'connection']) {
      expect(() => notify.sns({ topicArn: 'arn:x', [key]: '' }), key).toThrow(
        `notify.sns() option ${key} must be a non-empty string`,
      );
    }
    expect(() => notify.sns({ topicArn: 'arn:x', topic: 'y' } as never)).toThrow(
      'notify.sns() option topic is not a known option (known: topicArn, region, endpoint, connection)',
    );
  });
});
