import { expect, test } from '@playwright/test';
import { signIn } from './helpers';
import { E2E_USERS } from './users';

test('a viewer is offered no trigger, pause or clear, and the API refuses a trigger forged from the page', async ({
  page,
}) => {
  await signIn(page, E2E_USERS.viewer);
  await expect(page.getByTestId('user-role')).toHaveText('viewer');
  const row = page.getByTestId('dag-row-e2e_pipeline');
  await expect(row).toBeVisible();
  await expect(page.getByTestId('trigger-e2e_pipeline')).toHaveCount(0);
  await expect(page.getByTestId('pause-toggle-e2e_pipeline')).toBeDisabled();

  await row.getByRole('link', { name: 'e2e_pipeline' }).click();
  await expect(page.getByRole('heading', { name: 'e2e_pipeline' })).toBeVisible();
  await expect(page.getByTestId('trigger-e2e_pipeline')).toHaveCount(0);
  await expect(page.getByTestId('trigger-not-allowed')).toHaveText(
    'Triggering needs the operator role; you are a viewer',
  );
  await expect(page.getByTestId('pause-toggle-e2e_pipeline')).toHaveAttribute(
    'aria-label',
    'Pausing needs the operator role; you are a viewer',
  );

  // The page's own session and CSRF token, used by hand: the role check is the server's, not the button's.
  const forged = await page.evaluate(async () => {
    const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
    const res = await fetch('/api/v1/dags/e2e_pipeline/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
      body: '{}',
    });
    return { status: res.status, body: (await res.json()) as { error: { message: string } } };
  });
  expect(forged.status).toBe(403);
  expect(forged.body.error.message).toBe(
    'POST /api/v1/dags/:dagId/runs needs the operator role; e2e-viewer has viewer',
  );
});

test('another team’s DAG is not listed, and opening it shows the API’s refusal plainly', async ({ page }) => {
  await signIn(page, E2E_USERS.operator);
  await expect(page.getByTestId('dag-row-e2e_pipeline')).toBeVisible();
  await expect(page.getByTestId('dag-row-e2e_finance')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);

  await page.goto('/dags/e2e_finance');
  await expect(page.getByRole('alert')).toContainText(
    'Not allowed: DAG "e2e_finance" belongs to team finance; e2e-operator is not in it',
  );
});

test('an admin sees every team’s DAG and a Users link', async ({ page }) => {
  await signIn(page, E2E_USERS.admin);
  await expect(page.getByTestId('dag-row-e2e_finance')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Users' })).toBeVisible();
});

test('on a run page a viewer finds clear and mark disabled, each naming the role it needs', async ({
  page,
  request,
}) => {
  // A run made by the operator through the API, so this test needs no other test's runs.
  const login = await request.post('/api/v1/auth/login', {
    data: { username: E2E_USERS.operator.username, password: E2E_USERS.operator.password },
  });
  expect(login.status()).toBe(200);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const made = await request.post('/api/v1/dags/e2e_pipeline/runs', {
    data: {},
    headers: { 'x-csrf-token': csrfToken },
  });
  expect(made.status()).toBe(201);
  const { runId } = (await made.json()) as { runId: string };

  await signIn(page, E2E_USERS.viewer, `/dags/e2e_pipeline/runs/${encodeURIComponent(runId)}?task=extract`);
  await expect(page.getByTestId('ti-panel')).toBeVisible();
  await expect(page.getByTestId('clear-button')).toBeDisabled();
  await expect(page.getByTestId('clear-button')).toHaveAttribute(
    'title',
    'Clearing needs the operator role; you are a viewer',
  );
  await expect(page.getByTestId('mark-success')).toBeDisabled();
  await expect(page.getByTestId('mark-failed')).toHaveAttribute(
    'title',
    'Marking needs the operator role; you are a viewer',
  );
  await expect(page.getByTestId('mark-run-failed')).toBeDisabled();
});
