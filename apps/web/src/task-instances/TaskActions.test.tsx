/** Clearing and marking a task instance from the UI against a real HTTP server. */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { TaskInstance, TaskState } from '@sluice/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Providers, startApiServer, type ApiServer } from '../test/api-server';
import { TaskActions } from './TaskActions';

let server: ApiServer;
const TASK = '/dags/etl/runs/r1/tasks/load';

beforeEach(async () => {
  server = await startApiServer();
});

afterEach(async () => {
  await server.close();
});

function show(state: TaskState, onCleared: (ids: string[]) => void = () => {}, runRunning = true) {
  const ti = { taskId: 'load', state } as TaskInstance;
  render(
    <Providers>
      <TaskActions dagId="etl" runId="r1" taskInstance={ti} runRunning={runRunning} onCleared={onCleared} />
    </Providers>,
  );
  return userEvent.setup();
}

const writes = () =>
  server.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body)}`);

describe('TaskActions', () => {
  it('previews the clear with the options ticked, then clears with them and says what the clear reset', async () => {
    const result = (dryRun: boolean) => ({
      cleared: ['load', 'report'],
      dryRun,
      runs: [
        {
          runId: 'r1',
          logicalDate: '2026-11-22T00:00:00.000Z',
          runState: 'failed',
          tasks: [
            { taskId: 'load', state: 'failed' },
            { taskId: 'report', state: 'upstream_failed' },
          ],
        },
      ],
    });
    server.on('POST', `${TASK}/clear`, (req) => ({ body: result((req.body as { dryRun?: boolean }).dryRun === true) }));
    const cleared: string[][] = [];
    const user = show('failed', (ids) => cleared.push(ids));
    await user.click(screen.getByTestId('clear-button'));
    await user.click(screen.getByTestId('clear-downstream'));
    await user.click(screen.getByTestId('clear-past'));
    expect((await screen.findByTestId('preview-task-report')).textContent).toContain('report');
    expect(screen.getByTestId('clear-preview').textContent).toContain('2 task instances in 1 run will be cleared');
    await user.click(screen.getByTestId('clear-confirm'));
    await waitFor(() => expect(cleared).toEqual([['load', 'report']]));
    const options = (o: Record<string, boolean>) =>
      JSON.stringify({ upstream: false, downstream: false, past: false, future: false, ...o });
    const sent = writes();
    expect(sent.at(-1)).toBe(`POST /api/v1${TASK}/clear ${options({ downstream: true, past: true })}`);
    expect(sent).toContain(
      `POST /api/v1${TASK}/clear ${JSON.stringify({ upstream: false, downstream: true, past: true, future: false, dryRun: true })}`,
    );
    expect(sent.slice(0, -1).every((w) => w.includes('"dryRun":true'))).toBe(true);
  });

  it('marks failed after the confirmation, and sends nothing when cancelled', async () => {
    server.on('PATCH', TASK, { body: { taskId: 'load', state: 'failed' } });
    const user = show('running');
    await user.click(screen.getByTestId('mark-failed'));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(writes()).toEqual([]);
    await user.click(screen.getByTestId('mark-failed'));
    expect(screen.getByTestId('mark-failed-confirm').className).toBe('button button-danger');
    await user.click(screen.getByTestId('mark-failed-confirm'));
    await waitFor(() => expect(writes()).toEqual([`PATCH /api/v1${TASK} {"state":"failed"}`]));
  });

  it('promises downstream scheduling after a mark only while the run is running', async () => {
    const running = show('failed');
    await running.click(screen.getByTestId('mark-success'));
    expect(screen.getByTestId('mark-success-effect').textContent).toContain(
      'Downstream tasks are then scheduled by their trigger rules.',
    );
    cleanup();
    const ended = show('failed', () => {}, false);
    await ended.click(screen.getByTestId('mark-success'));
    expect(screen.getByTestId('mark-success-effect').textContent).toContain(
      'The run has ended, so nothing downstream is scheduled',
    );
  });

  it('offers no mark to the state the task is already in', () => {
    show('success');
    expect((screen.getByTestId('mark-success') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('mark-failed') as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows the API's refusal in the dialog", async () => {
    server.on('PATCH', TASK, {
      status: 409,
      body: { error: { code: 'conflict', message: 'load cannot be marked success from none' } },
    });
    const user = show('none');
    await user.click(screen.getByTestId('mark-success'));
    await user.click(screen.getByTestId('mark-success-confirm'));
    expect(await screen.findByText('load cannot be marked success from none')).toBeTruthy();
  });
});
