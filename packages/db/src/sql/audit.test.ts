/**
 * The audit log pages newest first by event id, across ids of different
 * lengths (9 before 10, not after it as text would sort them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { listAuditEvents, recordAuditEvent } from './audit';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  for (let i = 1; i <= 12; i++) await recordAuditEvent(t.db.pool, { actor: 'ann', action: 'trigger', runId: `r${i}` });
});
afterAll(() => t?.drop());

describe('listAuditEvents', () => {
  it('pages newest first by id, numerically, and the cursor continues where the page ended', async () => {
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 4; page++) {
      const got = await listAuditEvents(t.db.pool, { limit: 5, ...(before ? { beforeId: before } : {}) });
      seen.push(...got.items.map((e) => e.runId ?? ''));
      if (!got.nextBeforeId) break;
      before = got.nextBeforeId;
    }
    expect(seen).toEqual(['r12', 'r11', 'r10', 'r9', 'r8', 'r7', 'r6', 'r5', 'r4', 'r3', 'r2', 'r1']);
  });
});
