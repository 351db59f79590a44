/** The health dot against a real HTTP server answering /api/v1/health. */
import { render, screen } from '@testing-library/react';
import type { Health } from '@sluice/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Providers, startApiServer, type ApiServer } from '../test/api-server';
import { HealthIndicator } from './HealthIndicator';

let server: ApiServer;

beforeEach(async () => {
  server = await startApiServer();
});

afterEach(async () => {
  await server.close();
});

const healthy = (): Health => ({
  status: 'ok',
  database: 'ok',
  redis: 'ok',
  scheduler: { lastHeartbeatAt: new Date().toISOString() },
});

async function shown(health: Health | null, status = 200): Promise<HTMLElement> {
  server.on('GET', '/health', { status, body: health ?? { error: { code: 'internal', message: 'down' } } });
  render(
    <Providers>
      <HealthIndicator />
    </Providers>,
  );
  return screen.findByTestId('health');
}

describe('HealthIndicator', () => {
  it('says all is well when the database, Redis and a recent scheduler heartbeat are', async () => {
    const dot = await shown(healthy());
    expect(dot.textContent).toBe('All systems ok');
    expect(dot.className).toBe('health health-ok');
  });

  it('shows what the API says is wrong, as a warning when degraded', async () => {
    const dot = await shown(
      {
        ...healthy(),
        status: 'degraded',
        redis: 'down',
        problems: ['Redis down', 'scheduler heartbeat 61.0 s old'],
      },
      503,
    );
    expect(dot.textContent).toBe('Redis down, scheduler heartbeat 61.0 s old');
    expect(dot.className).toBe('health health-warn');
  });

  it('says the status when the API names no problem', async () => {
    const dot = await shown({ ...healthy(), status: 'degraded' }, 503);
    expect(dot.textContent).toBe('degraded');
  });

  it('shows down as down, not as a warning', async () => {
    const dot = await shown({ ...healthy(), status: 'down', database: 'down', problems: ['database down'] }, 503);
    expect(dot.textContent).toBe('database down');
    expect(dot.className).toBe('health health-down');
  });

  it('says the API is unreachable when the health check itself fails', async () => {
    const dot = await shown(null, 500);
    expect(dot.textContent).toBe('API unreachable');
    expect(dot.className).toBe('health health-down');
  });
});
