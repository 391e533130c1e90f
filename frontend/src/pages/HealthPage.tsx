import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { listHealthEvents } from "../api/fleet";
import type { HealthAction, HealthEvent } from "../api/fleet";
import { useCan } from "../auth/Guard";
import { ErrorCard } from "../components/Card";
import { Badge, ErrorNotice, ExportButton, PageGuard, Pager, PermButton, SelectField, TextField, When } from "../components/ui";
import { useBulkHealthAction, useHealthAction } from "../health/useHealthActions";

const PAGE = 50;
const STATUSES = ["", "open", "acknowledged", "suppressed", "resolved"];
const SEVERITIES = ["", "critical", "warning", "info"];

const ACTIONS: { action: HealthAction; label: string; when: (e: HealthEvent) => boolean }[] = [
  { action: "acknowledge", label: "Acknowledge", when: (e) => e.status === "open" },
  { action: "suppress", label: "Suppress 1 h", when: (e) => e.status === "open" || e.status === "acknowledged" },
  { action: "resolve", label: "Resolve", when: (e) => e.status !== "resolved" },
  { action: "reopen", label: "Reopen", when: (e) => e.status === "resolved" || e.status === "suppressed" },
];

function HealthBody() {
  const [params] = useSearchParams();
  const [status, setStatus] = useState(params.get("status") ?? "");
  const [severity, setSeverity] = useState(params.get("severity") ?? "");
  const [type, setType] = useState(params.get("type") ?? "");
  const [nodeId, setNodeId] = useState(params.get("nodeId") ?? "");
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const canAct = useCan("health:acknowledge");
  const one = useHealthAction();
  const bulk = useBulkHealthAction();

  const filters = { status, severity, type, nodeId };
  const query = { ...filters, limit: PAGE, offset };
  const events = useQuery({
    queryKey: ["health", "events", "list", query],
    queryFn: ({ signal }) => listHealthEvents(query, signal),
    placeholderData: keepPreviousData,
  });
  const filter = (set: (v: string) => void) => (v: string) => {
    set(v);
    setOffset(0);
    setSelected(new Set());
  };
  const items = events.data?.items ?? [];
  const allSelected = items.length > 0 && items.every((e) => selected.has(e.id));
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const summary = events.data?.meta.summary;

  return (
    <>
      <div className="toolbar">
        <SelectField label="Status" value={status} onChange={filter(setStatus)} options={STATUSES} />
        <SelectField label="Severity" value={severity} onChange={filter(setSeverity)} options={SEVERITIES} />
        <TextField label="Type" value={type} onChange={filter(setType)} placeholder="e.g. agent.disk.low" />
        <TextField label="Node ID" value={nodeId} onChange={filter(setNodeId)} />
        <ExportButton path="/health-events/export" query={filters} filename="health-events.csv" />
      </div>
      {summary ? (
        <p className="muted">
          {Object.entries(summary)
            .map(([k, v]) => `${k}: ${v}`)
            .join(" · ")}
        </p>
      ) : null}
      <div className="toolbar" role="group" aria-label="Bulk actions">
        <span>{selected.size} selected</span>
        {ACTIONS.map((a) => (
          <PermButton
            key={a.action}
            permission="health:acknowledge"
            disabled={selected.size === 0 || bulk.isPending}
            onClick={() =>
              bulk.mutate({ ids: [...selected], action: a.action }, { onSuccess: () => setSelected(new Set()) })
            }
          >
            {a.label} selected
          </PermButton>
        ))}
      </div>
      <ErrorNotice error={bulk.error ?? one.error} />
      {events.isError ? (
        <ErrorCard title="Could not load health events" message={events.error.message} onRetry={() => void events.refetch()} />
      ) : events.isPending ? (
        <p className="muted" role="status">
          Loading health events…
        </p>
      ) : items.length === 0 ? (
        <p className="muted">No health events match.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select all on this page"
                  checked={allSelected}
                  disabled={!canAct.allowed}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((e) => e.id)))}
                />
              </th>
              <th scope="col">Opened</th>
              <th scope="col">Severity</th>
              <th scope="col">Type</th>
              <th scope="col">Node</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${e.type} ${e.id}`}
                    checked={selected.has(e.id)}
                    disabled={!canAct.allowed}
                    onChange={() => toggle(e.id)}
                  />
                </td>
                <td>
                  <When value={e.openedAt} />
                </td>
                <td>
                  <Badge value={e.severity} />
                </td>
                <td>
                  <code>{e.type}</code>
                </td>
                <td>{e.nodeId ? <Link to={`/nodes/${encodeURIComponent(e.nodeId)}`}>{e.nodeId}</Link> : "—"}</td>
                <td>
                  <Badge value={e.status} />
                  {e.status === "suppressed" && e.suppressedUntil ? (
                    <span className="muted">
                      {" "}
                      until <When value={e.suppressedUntil} />
                    </span>
                  ) : null}
                </td>
                <td className="actions">
                  {ACTIONS.filter((a) => a.when(e)).map((a) => (
                    <PermButton
                      key={a.action}
                      permission="health:acknowledge"
                      className="button button--small"
                      disabled={one.isPending}
                      aria-label={`${a.label} ${e.type}`}
                      onClick={() => one.mutate({ id: e.id, action: a.action })}
                    >
                      {a.label}
                    </PermButton>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {events.data ? <Pager offset={offset} limit={PAGE} total={events.data.meta.total} onChange={setOffset} /> : null}
    </>
  );
}

/** Health events across the fleet, with single and bulk lifecycle actions. */
export function HealthPage() {
  return (
    <>
      <h1>Health</h1>
      <PageGuard permission="health:read" what="Health">
        <HealthBody />
      </PageGuard>
    </>
  );
}
