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

  it('warns of Redis down and of a scheduler heartbeat older than a minute', async () => {
    const dot = await shown({
      ...healthy(),
      redis: 'down',
      scheduler: { lastHeartbeatAt: new Date(Date.now() - 61_000).toISOString() },
    });
    expect(dot.textContent).toBe('Redis down, no scheduler heartbeat');
    expect(dot.className).toBe('health health-warn');
  });

  it('warns when no scheduler ever wrote a heartbeat', async () => {
    const dot = await shown({ ...healthy(), scheduler: { lastHeartbeatAt: null } });
    expect(dot.textContent).toBe('no scheduler heartbeat');
  });

  it('shows the database down as down, not as a warning', async () => {
    const dot = await shown({ ...healthy(), database: 'down' });
    expect(dot.textContent).toBe('database down');
    expect(dot.className).toBe('health health-down');
  });

  it('says the API is unreachable when the health check fails', async () => {
    const dot = await shown(null, 503);
    expect(dot.textContent).toBe('API unreachable');
    expect(dot.className).toBe('health health-down');
  });
});
