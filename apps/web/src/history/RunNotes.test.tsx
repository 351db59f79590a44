/** Run notes against a real HTTP server: shown with author and time, written, replaced and deleted. */
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { RunNote } from '@sluice/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Providers, startApiServer, type ApiServer } from '../test/api-server';
import { RunNotes } from './RunNotes';

let server: ApiServer;
const RUN = '/dags/etl/runs/r1';
let notes: RunNote[] = [];

beforeEach(async () => {
  server = await startApiServer();
  notes = [];
  server.on('GET', `${RUN}/notes`, () => ({ body: { items: notes } }));
});
afterEach(async () => {
  await server.close();
});

const note = (taskId: string | null, text: string, author = 'ann'): RunNote => ({
  taskId,
  text,
  author,
  createdAt: '2026-12-06T08:00:00.000Z',
  updatedAt: '2026-12-06T09:30:00.000Z',
});

function show(selectedTaskId: string | null = null) {
  render(
    <Providers>
      <RunNotes dagId="etl" runId="r1" selectedTaskId={selectedTaskId} />
    </Providers>,
  );
  return userEvent.setup();
}

describe('RunNotes', () => {
  it('shows the run’s note and the tasks’ notes with who wrote them and when', async () => {
    notes = [note(null, 'late upstream file'), note('load', 'rerun after the fix', 'bob')];
    show();
    expect((await screen.findByTestId('note-run-text')).textContent).toContain('late upstream file');
    expect(screen.getByTestId('note-run-byline').textContent).toContain('ann · 2026-12-06 09:30:00');
    expect(screen.getByTestId('note-task-load-byline').textContent).toContain('bob');
  });

  it('writes a note on the run, sending only its text, and shows it once saved', async () => {
    server.on('PUT', `${RUN}/note`, (req) => {
      notes = [note(null, (req.body as { text: string }).text)];
      return { body: notes[0] };
    });
    const user = show();
    await user.click(await screen.findByTestId('note-run-edit'));
    await user.type(screen.getByTestId('note-run-input'), 'checked with the vendor');
    await user.click(screen.getByTestId('note-run-save'));
    expect((await screen.findByTestId('note-run-text')).textContent).toContain('checked with the vendor');
    expect(server.requests.filter((r) => r.method === 'PUT').map((r) => r.body)).toEqual([
      { text: 'checked with the vendor' },
    ]);
  });

  it('offers a note on the selected task and deletes a task’s note', async () => {
    notes = [note('load', 'flaky S3')];
    server.on('DELETE', `${RUN}/tasks/load/note`, () => {
      notes = [];
      return { status: 204 };
    });
    const user = show('extract');
    expect((await screen.findByTestId('note-task-extract-edit')).textContent).toContain('Add a note on task extract');
    await user.click(screen.getByTestId('note-task-load-delete'));
    await waitFor(() => expect(screen.queryByTestId('note-task-load')).toBeNull());
  });

  it('says why a save failed, in the API’s words', async () => {
    server.on('PUT', `${RUN}/note`, {
      status: 400,
      body: {
        error: {
          code: 'bad_request',
          message: 'Invalid request',
          issues: [{ path: 'body.text', message: 'text is empty (delete the note instead)' }],
        },
      },
    });
    const user = show();
    await user.click(await screen.findByTestId('note-run-edit'));
    await user.type(screen.getByTestId('note-run-input'), ' ');
    await user.click(screen.getByTestId('note-run-save'));
    expect(await screen.findByText(/text is empty \(delete the note instead\)/)).toBeTruthy();
  });
});
