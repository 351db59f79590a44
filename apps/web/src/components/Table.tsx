import type { HTMLAttributes, ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  /** Extra class for both the header and the cells, e.g. "num" or "nowrap". */
  className?: string;
}

type RowAttributes = HTMLAttributes<HTMLTableRowElement> & { [dataAttribute: `data-${string}`]: string };

interface TableProps<T> {
  columns: Array<Column<T>>;
  rows: T[];
  rowKey: (row: T) => string;
  /** Attributes for a row's <tr>: test ids, data-state, click handlers. */
  rowProps?: (row: T) => RowAttributes;
  empty?: ReactNode;
  className?: string;
}

export function Table<T>({ columns, rows, rowKey, rowProps, empty, className }: TableProps<T>) {
  return (
    <div className={`table-wrap ${className ?? ''}`}>
      <table className="table">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} className={column.className}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td className="table-empty" colSpan={columns.length}>
                {empty ?? 'Nothing here yet.'}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={rowKey(row)} {...rowProps?.(row)}>
                {columns.map((column) => (
                  <td key={column.key} className={column.className}>
                    {column.render(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
