// Table pieces shared by the console's list cards: the header row and the
// error / loading / empty states in front of a list query's table.

import type { ReactNode } from "react";
import { ErrorNotice } from "./ui";

/** A header row of column titles, with an optional last column whose title only screen readers get (e.g. "Actions"). */
export function TableHead({ columns, hidden }: { columns: readonly string[]; hidden?: string }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
        {hidden ? (
          <th scope="col">
            <span className="visually-hidden">{hidden}</span>
          </th>
        ) : null}
      </tr>
    </thead>
  );
}

/**
 * A list query's states: its error, "Loading…", the `empty` text, or — once
 * there are items — whatever `children` renders for them.
 */
export function QueryList<T>({
  query,
  items,
  empty,
  children,
}: {
  query: { isError: boolean; error: unknown; isPending: boolean };
  items: readonly T[] | undefined;
  empty: ReactNode;
  children: (items: readonly T[]) => ReactNode;
}) {
  if (query.isError) return <ErrorNotice error={query.error} />;
  if (query.isPending || !items) return <p className="muted">Loading…</p>;
  if (items.length === 0) return <p className="muted">{empty}</p>;
  return <>{children(items)}</>;
}
