import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { DagVersion } from '@sluice/client';
import { LoadError, Spinner } from '../components/Loading';
import { formatDateTime } from '../format';
import { dagPath } from '../paths';
import { type CodeLine, diffSources, plainLines } from './code-diff';
import { useDagVersion, useDagVersions } from './queries';
import './history.css';

function CommitLink({ version }: { version: DagVersion }) {
  if (!version.bundleCommit) return null;
  const short = <code>{version.bundleCommit.slice(0, 12)}</code>;
  return (
    <span className="muted small" title={version.bundleCommit}>
      commit{' '}
      {version.sourceUrl ? (
        <a href={version.sourceUrl} target="_blank" rel="noreferrer" data-testid={`version-commit-${version.hash}`}>
          {short}
        </a>
      ) : (
        short
      )}
    </span>
  );
}

function CodeView({ lines, label }: { lines: CodeLine[]; label: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable from the keyboard
    <pre className="code-view" data-testid="code-view" title={label} tabIndex={0}>
      {lines.map((line, i) => (
        <code
          // Lines have no identity of their own: their place is it.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          key={i}
          className={`code-line${line.change === 'same' ? '' : ` is-${line.change}`}`}
          data-change={line.change}
        >
          <span className="code-line-number">{line.number ?? ''}</span>
          <span className="code-line-sign">{line.change === 'added' ? '+' : line.change === 'removed' ? '−' : ''}</span>
          <span>{line.text}</span>
        </code>
      ))}
    </pre>
  );
}

/** A DAG's versions (newest first), the code of one, and its diff against another (`?version=&compare=`). */
export function DagCodePage() {
  const { dagId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const versions = useDagVersions(dagId);
  const items = versions.data?.items ?? [];
  const hash = params.get('version') ?? items.find((v) => v.current)?.hash ?? items[0]?.hash ?? null;
  const compare = params.get('compare');
  const shown = useDagVersion(dagId, hash);
  const other = useDagVersion(dagId, compare);

  function choose(key: 'version' | 'compare', value: string | null) {
    const next = new URLSearchParams(params);
    if (value === null) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  }

  const body = (() => {
    if (shown.error) return <LoadError what="this version" error={shown.error} />;
    if (other.error) return <LoadError what="the version to compare with" error={other.error} />;
    if (!shown.data || (compare !== null && !other.data)) return <Spinner />;
    if (shown.data.source === null) {
      return <p className="empty-note">This version was stored before sources were kept; its code is not shown.</p>;
    }
    if (compare !== null && other.data) {
      if (other.data.source === null) return <p className="empty-note">The version to compare with has no source.</p>;
      return (
        <CodeView
          lines={diffSources(other.data.source, shown.data.source)}
          label={`Changes from ${compare.slice(0, 10)} to ${shown.data.hash.slice(0, 10)}`}
        />
      );
    }
    return (
      <CodeView
        lines={plainLines(shown.data.source)}
        label={`${shown.data.fileLoc} at ${shown.data.hash.slice(0, 10)}`}
      />
    );
  })();

  return (
    <div className="page">
      <nav className="breadcrumbs">
        <Link to="/">DAGs</Link>
        <span>/</span>
        <Link to={dagPath(dagId)}>{dagId}</Link>
        <span>/</span>
        <span>Code</span>
      </nav>
      <h1>Code of {dagId}</h1>
      {versions.error ? (
        <LoadError what="the versions" error={versions.error} />
      ) : !versions.data ? (
        <Spinner />
      ) : (
        <div className="code-layout">
          <section className="card" aria-labelledby="versions-title">
            <h2 className="card-title" id="versions-title">
              Versions
            </h2>
            <ul className="version-list" data-testid="version-list">
              {items.map((v) => (
                <li
                  key={v.hash}
                  className={`version-item${v.hash === hash ? ' is-selected' : ''}`}
                  data-testid={`version-${v.hash}`}
                >
                  <span>
                    <button type="button" className="link-button" onClick={() => choose('version', v.hash)}>
                      <code>{v.hash.slice(0, 10)}</code>
                    </button>{' '}
                    {v.current && <span className="pill">current</span>}
                  </span>
                  <span className="muted small">{formatDateTime(v.createdAt)}</span>
                  <CommitLink version={v} />
                  {v.hash !== hash && hash !== null && (
                    <button
                      type="button"
                      className="button button-small"
                      data-testid={`compare-${v.hash}`}
                      aria-pressed={compare === v.hash}
                      onClick={() => choose('compare', compare === v.hash ? null : v.hash)}
                    >
                      {compare === v.hash ? 'Stop comparing' : 'Compare with this'}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="code-title">
            <div className="card-toolbar">
              <h2 className="card-title" id="code-title">
                {shown.data ? <code>{shown.data.fileLoc}</code> : 'Source'}
                {hash && <span className="muted small"> @ {hash.slice(0, 10)}</span>}
                {compare && <span className="muted small"> compared with {compare.slice(0, 10)}</span>}
              </h2>
            </div>
            {body}
          </section>
        </div>
      )}
    </div>
  );
}
