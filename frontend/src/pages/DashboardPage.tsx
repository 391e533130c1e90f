import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { fetchStatus, listHealthEvents, listNodes } from "../api/fleet";
import { Guard, useCan } from "../auth/Guard";
import { useSession, useMe } from "../auth/session";
import { Card, ErrorCard } from "../components/Card";
import { browserTimeZone, formatDateTime, isoOf } from "../format/datetime";
import { IncidentList } from "../health/IncidentList";
import { MeterBank } from "../meters/MeterBank";
import { ActiveRecordings, useActiveRecordings } from "../recordings/ActiveRecordings";

/** The active-recordings tile (recording:read). */
function RecordingTile() {
  const q = useActiveRecordings();
  const total = q.data?.meta.total ?? 0;
  return (
    <li className={`tile tile--recording${total > 0 ? " tile--live" : ""}`}>
      <span className="tile__value">{q.isError ? "!" : q.data ? total : "…"}</span>
      <span className="tile__label">Recordings active</span>
    </li>
  );
}

const STATUS_ORDER = ["online", "recording", "degraded", "alerting", "offline", "provisioning"];

/** Node counters by derived status and open critical events. */
function StatusTiles() {
  const status = useQuery({ queryKey: ["status"], queryFn: ({ signal }) => fetchStatus(signal), refetchInterval: 15_000 });
  const health = useCan("health:read");
  const recordings = useCan("recording:read");
  const critical = useQuery({
    queryKey: ["health", "events", "critical-open-count"],
    queryFn: ({ signal }) => listHealthEvents({ status: "open", severity: "critical", limit: 1 }, signal),
    enabled: health.allowed,
    refetchInterval: 15_000,
  });
  if (status.isError) return <ErrorCard title="Could not load node status" message={status.error.message} />;
  const nodes = status.data?.nodes;
  const by = nodes?.byStatus ?? {};
  const keys = [...STATUS_ORDER, ...Object.keys(by).filter((k) => !STATUS_ORDER.includes(k))];
  return (
    <ul className="tiles" aria-label="Fleet status">
      <li className="tile">
        <span className="tile__value">{nodes?.total ?? "…"}</span>
        <span className="tile__label">Nodes</span>
      </li>
      {keys.map((k) => (
        <li key={k} className={`tile tile--${k}`}>
          <span className="tile__value">{nodes ? (by[k] ?? 0) : "…"}</span>
          <span className="tile__label">{k}</span>
        </li>
      ))}
      {health.allowed ? (
        <li className={`tile tile--critical${(critical.data?.meta.total ?? 0) > 0 ? " tile--alert" : ""}`}>
          <span className="tile__value">{critical.isError ? "!" : (critical.data?.meta.total ?? "…")}</span>
          <span className="tile__label">Open critical events</span>
        </li>
      ) : null}
      {recordings.allowed ? <RecordingTile /> : null}
    </ul>
  );
}

/** A node picker and the live meter bank of the chosen node. */
function LiveMeters() {
  const nodes = useQuery({ queryKey: ["nodes", "picker"], queryFn: ({ signal }) => listNodes({ limit: 500 }, signal) });
  const [nodeId, setNodeId] = useState("");
  const id = useId();
  useEffect(() => {
    const first = nodes.data?.items[0];
    if (!nodeId && first) setNodeId(first.id);
  }, [nodes.data, nodeId]);
  return (
    <Card title="Live meters">
      {nodes.isError ? <p className="notice notice--error">{nodes.error.message}</p> : null}
      <div className="field field--inline">
        <label htmlFor={id}>Node</label>
        <select id={id} value={nodeId} onChange={(e) => setNodeId(e.target.value)}>
          {nodes.data?.items.length ? null : <option value="">No nodes</option>}
          {nodes.data?.items.map((n) => (
            <option key={n.id} value={n.id}>
              {n.alias || n.hostname || n.id} ({n.status})
            </option>
          ))}
        </select>
      </div>
      {nodeId ? (
        <MeterBank key={nodeId} nodeId={nodeId} node={nodes.data?.items.find((n) => n.id === nodeId)} />
      ) : null}
    </Card>
  );
}

function OpenIncidents() {
  const q = useQuery({
    queryKey: ["health", "events", "open-dashboard"],
    queryFn: ({ signal }) => listHealthEvents({ status: "open,acknowledged", limit: 10 }, signal),
    refetchInterval: 15_000,
  });
  return (
    <Card title={`Open incidents${q.data ? ` (${q.data.meta.total})` : ""}`}>
      {q.isError ? (
        <p className="notice notice--error" role="alert">
          {q.error.message}
        </p>
      ) : q.isPending ? (
        <p className="muted">Loading…</p>
      ) : (
        <IncidentList events={q.data.items} empty="No open incidents." />
      )}
    </Card>
  );
}

/** The landing page: fleet tiles, live meters, open incidents and who you are. */
export function DashboardPage() {
  const me = useMe();
  const { token } = useSession();

  if (me.isPending) {
    return (
      <>
        <h1>Dashboard</h1>
        <p className="muted" role="status">
          Loading your account…
        </p>
      </>
    );
  }
  if (me.isError) {
    return (
      <>
        <h1>Dashboard</h1>
        <ErrorCard title="Could not load your account" message={me.error.message} onRetry={() => void me.refetch()} />
      </>
    );
  }

  const { user, roles, permissions } = me.data;
  const expiresAt = token?.expiresAt ?? null;
  return (
    <>
      <h1>Dashboard</h1>
      <p className="lead">Welcome, {user.name || user.email}.</p>
      <Guard permission="node:read">
        <StatusTiles />
        <LiveMeters />
      </Guard>
      <Guard permission="recording:read">
        <ActiveRecordings />
      </Guard>
      <Guard permission="health:read">
        <OpenIncidents />
      </Guard>
      <div className="grid">
        <Card title="Your account">
          <dl className="facts">
            <dt>Name</dt>
            <dd>{user.name || "—"}</dd>
            <dt>Email</dt>
            <dd>{user.email}</dd>
            <dt>User ID</dt>
            <dd>
              <code>{user.id}</code>
            </dd>
            <dt>Roles</dt>
            <dd>
              {roles.length ? (
                <ul className="tags" aria-label="Roles">
                  {roles.map((r) => (
                    <li key={r} className="tag tag--accent">
                      {r}
                    </li>
                  ))}
                </ul>
              ) : (
                "none"
              )}
            </dd>
            <dt>Session ends</dt>
            <dd>
              {expiresAt != null ? (
                <>
                  <time dateTime={isoOf(expiresAt)}>{formatDateTime(expiresAt)}</time>{" "}
                  <span className="muted">({browserTimeZone()})</span>
                </>
              ) : (
                "—"
              )}
            </dd>
          </dl>
        </Card>
        <Card title={`Permissions (${permissions.length})`}>
          {permissions.length ? (
            <ul className="tags" aria-label="Permissions">
              {[...permissions].sort().map((p) => (
                <li key={p} className="tag">
                  <code>{p}</code>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">You hold no permissions. Ask an administrator for access.</p>
          )}
        </Card>
      </div>
    </>
  );
}
