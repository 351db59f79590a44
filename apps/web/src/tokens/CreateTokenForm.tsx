import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Role, TokenBody } from '@sluice/client';
import { errorMessage } from '../api';
import { SelectField, TextField } from '../components/Field';
import { rolesUpTo } from '../auth/roles';
import { parseExpiryDays } from './expiry';
import { useCreateToken } from './queries';

const DEFAULT_EXPIRY_DAYS = '90';

/** Name, role (at most the user's own) and expiry; the new token is shown once, with a copy button. */
export function CreateTokenForm({ role }: { role: Role }) {
  const [name, setName] = useState('');
  const [tokenRole, setTokenRole] = useState<Role>(role);
  const [expiry, setExpiry] = useState(DEFAULT_EXPIRY_DAYS);
  const [formError, setFormError] = useState<string | null>(null);
  const create = useCreateToken();

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = parseExpiryDays(expiry);
    if (!parsed.ok) {
      setFormError(parsed.message);
      return;
    }
    setFormError(null);
    const body: TokenBody = { name: name.trim(), role: tokenRole };
    if (parsed.days !== undefined) body.expiresInDays = parsed.days;
    create.mutate(body, { onSuccess: () => setName('') });
  }

  return (
    <section className="card">
      <h2 className="card-title">New token</h2>
      <form className="filter-form" onSubmit={submit} data-testid="token-form">
        <TextField
          label="Name"
          testId="token-name"
          placeholder="e.g. ci-deploy"
          required
          value={name}
          onChange={setName}
        />
        <SelectField<Role>
          label="Role"
          testId="token-role"
          options={rolesUpTo(role)}
          value={tokenRole}
          onChange={setTokenRole}
        />
        <TextField
          label="Expires in (days; blank = never)"
          testId="token-expiry"
          inputMode="numeric"
          value={expiry}
          onChange={setExpiry}
        />
        <div className="filter-form-buttons">
          <button
            type="submit"
            className="button button-primary"
            data-testid="token-create"
            disabled={create.isPending}
          >
            {create.isPending ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
      {(formError !== null || create.isError) && (
        <p className="form-error" data-testid="token-error">
          {formError ?? errorMessage(create.error)}
        </p>
      )}
      {create.data && <NewToken name={create.data.name} token={create.data.token} />}
    </section>
  );
}

function NewToken({ name, token }: { name: string; token: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  return (
    <div className="notice new-token" data-testid="new-token">
      <p>
        Token <strong>{name}</strong> — copy it now: it is not shown again.
      </p>
      <div className="new-token-row">
        <code data-testid="new-token-value">{token}</code>
        <button
          type="button"
          className="button button-small"
          data-testid="new-token-copy"
          onClick={() =>
            navigator.clipboard.writeText(token).then(
              () => setCopied('yes'),
              () => setCopied('failed'),
            )
          }
        >
          Copy
        </button>
        {copied === 'yes' && <span className="muted small">Copied</span>}
        {copied === 'failed' && <span className="inline-error">Could not copy; select the token and copy it</span>}
      </div>
    </div>
  );
}
