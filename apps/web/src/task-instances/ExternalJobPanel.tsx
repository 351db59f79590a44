import { readExternalJob } from './external-job';

/** An EMR or Glue job as labelled fields: its state, ids, steps with their reasons, cost, and the AWS console link. */
export function ExternalJobPanel({ facts }: { facts: Record<string, unknown> }) {
  const job = readExternalJob(facts);
  return (
    <section className="external-job" data-testid="ti-external" aria-label={job.kind}>
      <h3>
        {job.kind}
        {job.state && (
          <>
            {' '}
            <span className="pill" data-testid="ext-state">
              {job.state}
            </span>
          </>
        )}
      </h3>
      <dl className="facts compact">
        {job.fields.map((f) => (
          <div key={f.label}>
            <dt>{f.label}</dt>
            <dd data-testid={f.testId}>
              <code>{f.value}</code>
            </dd>
          </div>
        ))}
        {job.consoleUrl && (
          <div>
            <dt>AWS console</dt>
            <dd>
              <a href={job.consoleUrl} target="_blank" rel="noreferrer" data-testid="ext-console">
                Open in the AWS console
              </a>
            </dd>
          </div>
        )}
      </dl>
      {job.steps.length > 0 && (
        <ul className="ext-steps" data-testid="ext-steps">
          {job.steps.map((step, i) => (
            <li key={step.id ?? `${step.name}-${i}`} data-testid={`ext-step-${step.id ?? i}`}>
              {step.name ?? 'step'} <code>{step.id ?? '—'}</code>
              {step.state && <> · {step.state}</>}
              {step.reason && <span className="ext-reason"> · {step.reason}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
