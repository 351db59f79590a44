/**
 * The first admin of an empty database, made by `sluice start` as `airflow
 * standalone` does: user `admin` with a random password printed once.
 */
import { type PrismaClient, countUsers, createUser, recordAuditEvent, type Db } from '@sluice/db';
import { generatePassword } from './users';

/** Makes `admin` when there are no users; returns its password, or null when users exist. */
export async function ensureFirstAdmin(db: Pick<Db, 'prisma' | 'pool'>): Promise<string | null> {
  const prisma: PrismaClient = db.prisma;
  if ((await countUsers(prisma)) > 0) return null;
  const password = generatePassword();
  try {
    await createUser(prisma, { username: 'admin', role: 'admin', password });
  } catch (raw) {
    // Another `sluice start` made it first.
    if ((await countUsers(prisma)) > 0) return null;
    throw raw;
  }
  await recordAuditEvent(db.pool, { actor: 'sluice start', action: 'user_create', details: { username: 'admin' } });
  return password;
}

export function firstAdminMessage(password: string): string {
  return [
    '',
    'Sign-in is on. The first admin user was created:',
    '  username: admin',
    `  password: ${password}`,
    'It is shown only now. Change it with `sluice users set-password admin`; add people with `sluice users create`.',
    '',
  ].join('\n');
}
