import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '@sluice/client';
import { ConfirmDialog, Dialog } from './Dialog';
import { ErrorBanner } from './ErrorBanner';
import { LoadError } from './Loading';
import { StateBadge, StateDot } from './StateBadge';
import { StateLegend } from './StateLegend';
import { Table } from './Table';
import { Toggle } from './Toggle';
import { TASK_STATES } from '../states';

function ToggleHarness({ disabled }: { disabled?: boolean }) {
  const [on, setOn] = useState(false);
  return (
    <>
      <Toggle checked={on} onChange={setOn} label="Paused" disabled={disabled} />
      <output>{on ? 'on' : 'off'}</output>
    </>
  );
}

function DialogHarness() {
  const [open, setOpen] = useState(true);
  return (
    <Dialog open={open} title="Trigger" onClose={() => setOpen(false)} testId="dialog" footer={<span>footer</span>}>
      <p>body</p>
    </Dialog>
  );
}

describe('StateBadge and StateDot', () => {
  it("show a state's label on its colour, and say which state they show", () => {
    render(<StateBadge kind="task" state="up_for_retry" testId="badge" />);
    const badge = screen.getByTestId('badge');
    expect(badge.textContent).toBe('up for retry');
    expect(badge.dataset['state']).toBe('up_for_retry');
    expect(badge.style.background).toBe('#f0b400');
  });

  it('label a dot for screen readers, take a tooltip, and pulse only while running', () => {
    render(
      <>
        <StateDot kind="run" state="running" />
        <StateDot kind="task" state="failed" title="extract: failed" />
      </>,
    );
    const running = screen.getByRole('img', { name: 'running' });
    expect(running.className).toBe('state-dot is-live');
    expect(running.getAttribute('title')).toBe('running');
    const failed = screen.getByRole('img', { name: 'failed' });
    expect(failed.className).toBe('state-dot');
    expect(failed.getAttribute('title')).toBe('extract: failed');
  });
});

describe('StateLegend', () => {
  it('lists every task state once, in order', () => {
    render(<StateLegend />);
    const items = screen.getByRole('list', { name: 'Task state colours' }).querySelectorAll('li');
    expect(items).toHaveLength(TASK_STATES.length);
    expect(items[0]?.textContent).toBe('no status');
  });
});

describe('Toggle', () => {
  it('reports the new value when switched, and nothing when disabled', async () => {
    const user = userEvent.setup();
    const { unmount } = render(<ToggleHarness />);
    await user.click(screen.getByRole('switch', { name: 'Paused' }));
    expect(screen.getByRole('status').textContent).toBe('on');
    await user.click(screen.getByRole('switch', { name: 'Paused' }));
    expect(screen.getByRole('status').textContent).toBe('off');
    unmount();
    render(<ToggleHarness disabled />);
    await user.click(screen.getByRole('switch', { name: 'Paused' }));
    expect(screen.getByRole('status').textContent).toBe('off');
  });
});

describe('Dialog', () => {
  it('renders its body only while open, and closes from its × button', async () => {
    const user = userEvent.setup();
    render(<DialogHarness />);
    const dialog = screen.getByTestId('dialog') as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    expect(screen.getByRole('heading', { name: 'Trigger' })).toBeTruthy();
    expect(screen.getByText('footer')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(dialog.open).toBe(false);
    expect(screen.queryByText('body')).toBeNull();
  });

  it('confirms, shows the busy label while working, and shows the error the API gave', async () => {
    const user = userEvent.setup();
    const confirmed: string[] = [];
    const { rerender } = render(
      <ConfirmDialog
        open
        title="Clear?"
        confirmLabel="Clear"
        confirmTestId="ok"
        onConfirm={() => confirmed.push('clear')}
        onClose={() => {}}
      >
        <p>sure?</p>
      </ConfirmDialog>,
    );
    await user.click(screen.getByTestId('ok'));
    expect(confirmed).toEqual(['clear']);
    rerender(
      <ConfirmDialog
        open
        busy
        error="the run is gone"
        title="Clear?"
        confirmLabel="Clear"
        confirmTestId="ok"
        onConfirm={() => confirmed.push('again')}
        onClose={() => {}}
      />,
    );
    const button = screen.getByTestId('ok') as HTMLButtonElement;
    expect(button.textContent).toBe('Working…');
    expect(button.disabled).toBe(true);
    expect(screen.getByText('the run is gone')).toBeTruthy();
  });

  it('styles a dangerous confirmation as such', () => {
    render(
      <ConfirmDialog
        open
        danger
        title="Mark failed?"
        confirmLabel="Mark failed"
        confirmTestId="ok"
        onConfirm={() => {}}
        onClose={() => {}}
      />,
    );
    expect(screen.getByTestId('ok').className).toBe('button button-danger');
  });
});

describe('ErrorBanner and LoadError', () => {
  it('alerts with its title and body, in its tone', () => {
    render(
      <ErrorBanner title="2 import errors" tone="warning" testId="banner">
        dags/x.ts
      </ErrorBanner>,
    );
    const banner = screen.getByRole('alert');
    expect(banner.className).toBe('banner banner-warning');
    expect(banner.textContent).toBe('2 import errorsdags/x.ts');
  });

  it("says what could not be loaded and why, with the API's field issues", () => {
    render(
      <LoadError
        what="the DAG"
        error={new ApiError(400, 'bad_request', 'Bad query', [{ path: 'limit', message: 'too big' }])}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe('Could not load the DAGBad query (limit: too big)');
  });
});

describe('Table', () => {
  const columns = [
    { key: 'id', header: 'Task', render: (row: { id: string; n: number }) => row.id },
    { key: 'n', header: 'Tries', render: (row: { id: string; n: number }) => String(row.n), className: 'num' },
  ];

  it('renders a row per item with the attributes asked for', () => {
    render(
      <Table
        columns={columns}
        rows={[
          { id: 'extract', n: 1 },
          { id: 'load', n: 3 },
        ]}
        rowKey={(row) => row.id}
        rowProps={(row) => ({ 'data-testid': `row-${row.id}` })}
      />,
    );
    expect(screen.getByTestId('row-load').textContent).toBe('load3');
    expect(screen.getAllByRole('row')).toHaveLength(3);
    expect(screen.getByRole('columnheader', { name: 'Tries' }).className).toBe('num');
  });

  it('says so across every column when there are no rows', () => {
    render(<Table columns={columns} rows={[]} rowKey={(row) => row.id} empty="No tasks." />);
    const cell = screen.getByRole('cell');
    expect(cell.textContent).toBe('No tasks.');
    expect(cell.getAttribute('colspan')).toBe('2');
  });
});
