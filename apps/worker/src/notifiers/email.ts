/** E-mail over SMTP with nodemailer: the title as subject, the facts as the body. */
import type { CallbackContextData } from '@sluice/core';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { resolveSecret, SecretValue, textOf, titleOf } from './message';
import type { NotifierEnv } from './http';

export const EmailOptions = z
  .object({
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).optional(),
        secure: z.boolean().optional(),
        user: z.string().optional(),
        password: SecretValue.optional(),
      })
      .strict(),
    from: z.string().min(1),
    to: z.array(z.string().min(1)).min(1),
    subject: z.string().optional(),
  })
  .strict();

export async function sendEmail(
  raw: Record<string, unknown>,
  ctx: CallbackContextData,
  env: NotifierEnv,
  signal: AbortSignal,
): Promise<string> {
  const o = EmailOptions.parse(raw);
  const password = o.smtp.password ? resolveSecret(o.smtp.password, env, 'notify.email() smtp.password') : undefined;
  const transport = nodemailer.createTransport({
    host: o.smtp.host,
    port: o.smtp.port ?? (o.smtp.secure ? 465 : 587),
    secure: o.smtp.secure ?? false,
    ...(o.smtp.user ? { auth: { user: o.smtp.user, pass: password ?? '' } } : {}),
  });
  const onAbort = () => transport.close();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const info = await transport.sendMail({
      from: o.from,
      to: o.to,
      subject: o.subject ?? `[sluice] ${titleOf(ctx)}`,
      text: textOf(ctx),
    });
    return `mailed ${o.to.join(', ')} (${info.messageId})`;
  } finally {
    signal.removeEventListener('abort', onAbort);
    transport.close();
  }
}
