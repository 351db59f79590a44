/** Triggering a run from the UI against a real HTTP server answering the runs route. */
import { fireEvent, render, screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
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

function renderButton() {
  render(
    <Providers>
      <Routes>
        <Route path="/" element={<TriggerButton dagId="etl" />} />
        <Route path="/dags/:dagId/runs/:runId" element={<p data-testid="run-page">run page</p>} />
      </Routes>
    </Providers>,
  );
}

async function openDialog() {
  const user = userEvent.setup();
  renderButton();
  await user.click(screen.getByTestId('trigger-etl'));
  const input = await screen.findByTestId('conf-input');
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
  it('posts the conf typed, closes and links to the new run when the API created it', async () => {
    server.on('POST', '/dags/etl/runs', { status: 201, body: { runId: 'manual__1', state: 'queued' } });
    const { user, input } = await openDialog();
    await user.type(input, '{{"rows": 3}');
    await user.click(screen.getByTestId('trigger-confirm'));
    expect((await screen.findByTestId('trigger-created')).textContent).toBe('Queued manual__1');
    expect(screen.queryByTestId('trigger-dialog')).toBeNull();
    expect(posts().map((r) => r.body)).toEqual([{ conf: { rows: 3 } }]);
    await userEvent.setup().click(screen.getByRole('link', { name: 'manual__1' }));
    await screen.findByTestId('run-page');
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

  it("makes a form of the DAG's confSchema, shows the API's refusal beside the field it names, and clears it on retry", async () => {
    server.on('GET', '/dags/etl', {
      body: {
        dagId: 'etl',
        timezone: 'UTC',
        confSchema: {
          type: 'object',
          properties: {
            day: { type: 'string', description: 'the day to load' },
            mode: { enum: ['append', 'overwrite'], default: 'overwrite' },
            rows: { type: 'integer' },
          },
          required: ['day'],
        },
      },
    });
    let refuse = true;
    server.on('POST', '/dags/etl/runs', () =>
      refuse
        ? {
            status: 400,
            body: {
              error: {
                code: 'bad_request',
                message: "conf does not match the DAG's confSchema",
                issues: [{ path: 'conf.day', message: 'Invalid string: must match pattern' }],
              },
            },
          }
        : { status: 201, body: { runId: 'manual__2', state: 'queued' } },
    );
    const user = userEvent.setup();
    renderButton();
    await user.click(screen.getByTestId('trigger-etl'));
    const day = await screen.findByTestId('conf-field-day');
    expect(screen.getByText('the day to load')).toBeTruthy();
    expect((screen.getByTestId('conf-field-mode') as HTMLSelectElement).value).toBe('overwrite');
    await user.type(day, 'yesterday');
    await user.type(screen.getByTestId('conf-field-rows'), 'many');
    await user.click(screen.getByTestId('trigger-confirm'));
    // A number that is not one is refused here, beside its field, without asking the API.
    expect(screen.getByTestId('conf-field-rows-error').textContent).toBe('must be a whole number');
    expect(posts()).toEqual([]);
    await user.clear(screen.getByTestId('conf-field-rows'));
    await user.type(screen.getByTestId('conf-field-rows'), '12');
    await user.click(screen.getByTestId('trigger-confirm'));
    expect((await screen.findByTestId('conf-field-day-error')).textContent).toBe('Invalid string: must match pattern');
    refuse = false;
    await user.clear(day);
    await user.type(day, '2026-11-20');
    await user.type(screen.getByTestId('trigger-run-id'), 'reload_20');
    await user.click(screen.getByTestId('trigger-confirm'));
    expect(screen.queryByTestId('conf-field-day-error')).toBeNull();
    await screen.findByTestId('trigger-created');
    expect(posts().map((r) => r.body)).toEqual([
      { conf: { day: 'yesterday', mode: 'overwrite', rows: 12 } },
      { conf: { day: '2026-11-20', mode: 'overwrite', rows: 12 }, runId: 'reload_20' },
    ]);
  });

  it('sends the logical date typed in the zone shown, and the JSON mode carries the form over', async () => {
    server.on('GET', '/dags/etl', {
      body: {
        dagId: 'etl',
        timezone: 'Europe/Copenhagen',
        confSchema: { type: 'object', properties: { day: { type: 'string' } } },
      },
    });
    server.on('POST', '/dags/etl/runs', { status: 201, body: { runId: 'manual__3', state: 'queued' } });
    const user = userEvent.setup();
    renderButton();
    await user.click(screen.getByTestId('trigger-etl'));
    await user.type(await screen.findByTestId('conf-field-day'), '2026-11-20');
    await user.click(screen.getByTestId('conf-mode-json'));
    expect(JSON.parse((screen.getByTestId('conf-input') as HTMLTextAreaElement).value)).toEqual({ day: '2026-11-20' });
    expect(screen.getByText('Logical date (Europe/Copenhagen), optional')).toBeTruthy();
    fireEvent.change(screen.getByTestId('trigger-logical-date'), { target: { value: '2026-11-21T03:00' } });
    await user.click(screen.getByTestId('trigger-confirm'));
    await screen.findByTestId('trigger-created');
    expect(posts().map((r) => r.body)).toEqual([
      { conf: { day: '2026-11-20' }, logicalDate: '2026-11-21T02:00:00.000Z' },
    ]);
  });
});
