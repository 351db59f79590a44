import { Link } from 'react-router-dom';
import type { RunDetail } from '@sluice/client';
import { AssetEventSource, EventExtra } from '../assets/AssetEventSource';
import { Table } from '../components/Table';
import { assetPath } from '../paths';

/** The asset events an asset-triggered run was created for: which asset, when, from where, with what metadata. */
export function TriggeringEvents({ run, format }: { run: RunDetail; format: (iso: string | null) => string }) {
  if (run.runType !== 'asset_triggered') return null;
  return (
    <section className="card" data-testid="triggering-events">
      <h2 className="card-title">Triggered by</h2>
      <Table
        columns={[
          {
            key: 'asset',
            header: 'Asset',
            render: (e) => (
              <Link to={assetPath(e.uri)} className="asset-uri">
                {e.uri}
              </Link>
            ),
          },
          { key: 'at', header: 'Event at', className: 'nowrap', render: (e) => format(e.createdAt) },
          { key: 'source', header: 'From', render: (e) => <AssetEventSource event={e} /> },
          { key: 'extra', header: 'Metadata', render: (e) => <EventExtra extra={e.extra} /> },
        ]}
        rows={run.triggeringEvents}
        rowKey={(e) => e.id}
        rowProps={(e) => ({ 'data-testid': `triggering-event-${e.uri}` })}
        empty="The events this run was created for are no longer kept."
      />
    </section>
  );
}
