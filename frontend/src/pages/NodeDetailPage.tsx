import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { FormEvent } from "react";
import { Link, useParams } from "react-router";
import {
  fetchNode,
  listHealthEvents,
  revokeCredential,
  rotateCredential,
  updateChannels,
  updateInterface,
  updateNode,
} from "../api/fleet";
import type { Node } from "../api/fleet";
import type { DataOf } from "../api/schema.gen";
import { Guard, useCan } from "../auth/Guard";
import { Card, ErrorCard } from "../components/Card";
import { Badge, ConfirmButton, ErrorNotice, OneTimeSecret, PageGuard, PermButton, TextField, When } from "../components/ui";
import { IncidentList } from "../health/IncidentList";
import { MeterBank } from "../meters/MeterBank";

function bytes(n: number): string {
  if (!n) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

function duration(s: number): string {
  if (!s) return "—";
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d ? `${d}d ` : ""}${h}h ${m}m`;
}

function useNodeUpdate(id: string) {
  const qc = useQueryClient();
  return (data: Node) => {
    qc.setQueryData(["nodes", "detail", id], data);
    void qc.invalidateQueries({ queryKey: ["nodes", "list"] });
  };
}

function Identity({ node }: { node: Node }) {
  const manage = useCan("node:manage");
  const [editing, setEditing] = useState(false);
  const [alias, setAlias] = useState(node.alias);
  const [site, setSite] = useState(node.site);
  const [notes, setNotes] = useState(node.notes);
  const onSaved = useNodeUpdate(node.id);
  const save = useMutation({
    mutationFn: () => updateNode(node.id, { alias, site, notes }),
    onSuccess: (n) => {
      onSaved(n);
      setEditing(false);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Card title="Identity">
      {editing ? (
        <form className="form" onSubmit={submit} aria-label="Edit identity">
          <TextField label="Alias" value={alias} onChange={setAlias} required />
          <TextField label="Site" value={site} onChange={setSite} />
          <div className="field">
            <label htmlFor="node-notes">Notes</label>
            <textarea id="node-notes" value={notes} onChange={(e) => setNotes(e.target.value)} rows={3} />
          </div>
          <ErrorNotice error={save.error} />
          <div className="row">
            <button type="submit" className="button button--primary" disabled={save.isPending}>
              Save
            </button>
            <button type="button" className="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <dl className="facts">
            <dt>Alias</dt>
            <dd>{node.alias || "—"}</dd>
            <dt>Site</dt>
            <dd>{node.site || "—"}</dd>
            <dt>Notes</dt>
            <dd className="prewrap">{node.notes || "—"}</dd>
            <dt>Status</dt>
            <dd>
              <Badge value={node.status} /> <span className="muted">(agent reports {node.reportedStatus})</span>
            </dd>
            <dt>ID</dt>
            <dd>
              <code>{node.id}</code>
            </dd>
            <dt>Enrolled</dt>
            <dd>
              <When value={node.enrolledAt} />
            </dd>
            <dt>Last seen</dt>
            <dd>
              <When value={node.lastSeenAt} />
            </dd>
          </dl>
          <PermButton
            permission="node:manage"
            onClick={() => {
              setAlias(node.alias);
              setSite(node.site);
              setNotes(node.notes);
              setEditing(true);
            }}
          >
            Edit identity
          </PermButton>
          {!manage.allowed ? <p className="muted">{manage.reason}</p> : null}
        </>
      )}
    </Card>
  );
}

function Runtime({ node }: { node: Node }) {
  const r = node.runtime;
  return (
    <Card title="Runtime">
      <dl className="facts">
        <dt>Hostname</dt>
        <dd>{node.hostname || "—"}</dd>
        <dt>Agent</dt>
        <dd>{node.agentVersion || "—"}</dd>
        <dt>OS</dt>
        <dd>
          {r.osName || "—"} {r.kernelRelease} {r.architecture}
        </dd>
        <dt>Uptime</dt>
        <dd>{duration(r.uptimeSeconds)}</dd>
        <dt>CPU</dt>
        <dd>
          {r.cpuCores || "—"} cores, load/core {r.load1PerCore.toFixed(2)}
        </dd>
        <dt>Disk</dt>
        <dd>
          {r.diskUsedPercent.toFixed(0)}% used, {bytes(r.diskFreeBytes)} free
        </dd>
        <dt>Addresses</dt>
        <dd>{r.ipAddresses.length ? r.ipAddresses.join(", ") : "—"}</dd>
        <dt>Audio backends</dt>
        <dd>{r.audioBackends.length ? r.audioBackends.join(", ") : "—"}</dd>
      </dl>
    </Card>
  );
}

function AliasEditor({
  label,
  value,
  onSave,
}: {
  label: string;
  value: string;
  onSave: (v: string) => Promise<unknown>;
}) {
  const [editing, setEditing] = useState(false);
  const [v, setV] = useState(value);
  const save = useMutation({ mutationFn: () => onSave(v), onSuccess: () => setEditing(false) });
  if (!editing)
    return (
      <>
        {value || <span className="muted">no alias</span>}{" "}
        <PermButton
          permission="node:manage"
          className="button button--small"
          aria-label={`Rename ${label}`}
          onClick={() => {
            setV(value);
            setEditing(true);
          }}
        >
          Rename
        </PermButton>
      </>
    );
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label className="visually-hidden" htmlFor={`alias-${label}`}>
        Alias for {label}
      </label>
      <input id={`alias-${label}`} value={v} onChange={(e) => setV(e.target.value)} />
      <button type="submit" className="button button--small button--primary" disabled={save.isPending}>
        Save
      </button>
      <button type="button" className="button button--small" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <ErrorNotice error={save.error} />
    </form>
  );
}

function Interfaces({ node }: { node: Node }) {
  const onSaved = useNodeUpdate(node.id);
  if (node.interfaces.length === 0)
    return (
      <Card title="Interfaces">
        <p className="muted">The agent has not reported any audio interfaces yet.</p>
      </Card>
    );
  return (
    <Card title="Interfaces and channels">
      {node.interfaces.map((i) => (
        <section key={i.id} className="iface">
          <h3>
            {i.alias || i.systemName} {i.absent ? <Badge value="absent" /> : null}
          </h3>
          <p className="muted">
            {i.systemName} · {i.backend} · {i.channelCount} ch · {i.sampleRates.join("/")} Hz
            {i.serialNumber ? ` · S/N ${i.serialNumber}` : ""}
          </p>
          <p>
            Alias:{" "}
            <AliasEditor
              label={i.systemName}
              value={i.alias}
              onSave={(alias) => updateInterface(node.id, i.id, { alias }).then(onSaved)}
            />
          </p>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Label</th>
                <th scope="col">Alias</th>
              </tr>
            </thead>
            <tbody>
              {i.channels.map((c) => (
                <tr key={c.index}>
                  <td>{c.index}</td>
                  <td>{c.label}</td>
                  <td>
                    <AliasEditor
                      label={`${i.systemName} channel ${c.index}`}
                      value={c.alias}
                      onSave={(alias) =>
                        updateChannels(node.id, [{ interfaceId: i.id, index: c.index, alias }]).then(onSaved)
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </Card>
  );
}

function Credentials({ node }: { node: Node }) {
  const [rotated, setRotated] = useState<DataOf<"nodes.credentials.rotate"> | null>(null);
  const [revoked, setRevoked] = useState(false);
  const rotate = useMutation({ mutationFn: () => rotateCredential(node.id), onSuccess: (r) => setRotated(r) });
  const revoke = useMutation({ mutationFn: () => revokeCredential(node.id), onSuccess: () => setRevoked(true) });
  return (
    <Card title="Node credential">
      <p className="muted">
        Rotating replaces the agent&apos;s token at once (put the new one in the agent&apos;s config). Revoking stops
        the agent until it enrolls again.
      </p>
      <div className="row">
        <ConfirmButton
          permission="node:manage"
          label="Rotate credential"
          question="Rotate this node's credential? The old token stops working at once."
          busy={rotate.isPending}
          onConfirm={() => rotate.mutate()}
        />
        <ConfirmButton
          permission="node:manage"
          label="Revoke credential"
          question="Revoke this node's credential? The agent must enroll again."
          busy={revoke.isPending}
          danger
          onConfirm={() => revoke.mutate()}
        />
      </div>
      <ErrorNotice error={rotate.error ?? revoke.error} />
      {rotated ? <OneTimeSecret label="New node token" value={rotated.nodeToken} /> : null}
      {revoked ? (
        <p className="notice notice--info" role="status">
          Credential revoked.
        </p>
      ) : null}
    </Card>
  );
}

function NodeHealth({ nodeId }: { nodeId: string }) {
  const q = useQuery({
    queryKey: ["health", "events", "node", nodeId],
    queryFn: ({ signal }) => listHealthEvents({ nodeId, status: "open,acknowledged,suppressed", limit: 50 }, signal),
  });
  return (
    <Card title="Health events">
      {q.isError ? (
        <p className="notice notice--error">{q.error.message}</p>
      ) : q.isPending ? (
        <p className="muted">Loading…</p>
      ) : (
        <IncidentList events={q.data.items} empty="No unresolved health events." />
      )}
      <p>
        <Link to={`/health?nodeId=${encodeURIComponent(nodeId)}`}>All events of this node</Link>
      </p>
    </Card>
  );
}

function NodeDetail({ id }: { id: string }) {
  const node = useQuery({ queryKey: ["nodes", "detail", id], queryFn: ({ signal }) => fetchNode(id, signal) });
  if (node.isError)
    return <ErrorCard title="Could not load the node" message={node.error.message} onRetry={() => void node.refetch()} />;
  if (node.isPending)
    return (
      <p className="muted" role="status">
        Loading node…
      </p>
    );
  const n = node.data;
  return (
    <>
      <h2 className="subtitle">
        {n.alias || n.id} <Badge value={n.status} />
      </h2>
      <div className="grid">
        <Identity node={n} />
        <Runtime node={n} />
      </div>
      <Card title="Live meters">
        <MeterBank nodeId={n.id} node={n} />
      </Card>
      <Interfaces node={n} />
      <Guard permission="health:read">
        <NodeHealth nodeId={n.id} />
      </Guard>
      <Credentials node={n} />
    </>
  );
}

/** One node: identity, runtime, interfaces, meters, health and credential. */
export function NodeDetailPage() {
  const { id = "" } = useParams();
  return (
    <>
      <p>
        <Link to="/nodes">← Nodes</Link>
      </p>
      <h1>Node</h1>
      <PageGuard permission="node:read" what="Nodes">
        <NodeDetail id={id} />
      </PageGuard>
    </>
  );
}
