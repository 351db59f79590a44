/** Triggering a run from the UI against a real HTTP server answering the runs route. */
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Providers, startApiServer, type ApiServer } from '../test/api-server';
import { TriggerButton, parseConf } from './TriggerButton';

let server: ApiServer;

beforeEach(async () => {
  server = await startApiServer();
});

afterEach(async () => {
  await server.close();
});

const posts = () => server.requests.filter((r) => r.method === 'POST');

async function openDialog() {
  const user = userEvent.setup();
  render(
    <Providers>
      <TriggerButton dagId="etl" />
    </Providers>,
  );
  await user.click(screen.getByTestId('trigger-etl'));
  const input = screen.getByTestId('conf-input');
  await user.clear(input);
  return { user, input };
}

describe('parseConf', () => {
  it('reads an empty text as no conf and accepts a JSON object', () => {
    expect(parseConf('  ')).toEqual({ ok: true, conf: {} });
    expect(parseConf('{"date": "2026-01-01"}')).toEqual({ ok: true, conf: { date: '2026-01-01' } });
  });

  it('refuses text that is not JSON, and JSON that is not an object', () => {
    expect(parseConf('{date}')).toMatchObject({ ok: false, message: expect.stringMatching(/^Invalid JSON: /) });
    for (const text of ['[]', 'null', '3', '"x"']) {
      expect(parseConf(text), text).toEqual({
        ok: false,
        message: 'conf must be a JSON object, e.g. {"date": "2026-01-01"}',
      });
    }
  });
});

describe('TriggerButton', () => {
  it('posts the conf typed and closes when the API created the run', async () => {
    server.on('POST', '/dags/etl/runs', { status: 201, body: { runId: 'manual__1', state: 'queued' } });
    const { user, input } = await openDialog();
    await user.type(input, '{{"rows": 3}');
    await user.click(screen.getByTestId('trigger-confirm'));
    await waitFor(() => expect((screen.getByTestId('trigger-dialog') as HTMLDialogElement).open).toBe(false));
    expect(posts().map((r) => r.body)).toEqual([{ conf: { rows: 3 } }]);
  });

  it('refuses conf that is not a JSON object without asking the API, and clears the error on typing', async () => {
    const { user, input } = await openDialog();
    await user.type(input, '[[1]');
    await user.click(screen.getByTestId('trigger-confirm'));
    expect(screen.getByTestId('conf-error').textContent).toBe(
      'conf must be a JSON object, e.g. {"date": "2026-01-01"}',
    );
    expect(posts()).toEqual([]);
    await user.type(input, ' ');
    expect(screen.queryByTestId('conf-error')).toBeNull();
  });

  it("keeps the dialog open with the API's refusal", async () => {
    server.on('POST', '/dags/etl/runs', {
      status: 400,
      body: {
        error: {
          code: 'bad_request',
          message: 'conf does not match the DAG',
          issues: [{ path: 'date', message: 'Required' }],
        },
      },
    });
    const { user } = await openDialog();
    await user.click(screen.getByTestId('trigger-confirm'));
    expect((await screen.findByTestId('trigger-error')).textContent).toBe(
      'conf does not match the DAG (date: Required)',
    );
    expect((screen.getByTestId('trigger-dialog') as HTMLDialogElement).open).toBe(true);
  });
});
