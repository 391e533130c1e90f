import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { FormEvent } from "react";
import { Link } from "react-router";
import { enrollNode, listNodes } from "../api/fleet";
import type { Node } from "../api/fleet";
import type { DataOf } from "../api/schema.gen";
import { ErrorCard } from "../components/Card";
import {
  Badge,
  Dialog,
  ErrorNotice,
  OneTimeSecret,
  PageGuard,
  Pager,
  PermButton,
  SelectField,
  TextField,
  When,
} from "../components/ui";

const PAGE = 25;
const STATUSES = ["", "online", "recording", "degraded", "alerting", "offline", "provisioning"];

/** The exact command an operator runs on the new node. */
export function agentCommand(token: string, origin = window.location.origin): string {
  return `rakkr-agent enroll --controller ${origin} --token ${token}`;
}

function EnrollDialog({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient();
  const [alias, setAlias] = useState("");
  const [site, setSite] = useState("");
  const [result, setResult] = useState<DataOf<"nodes.enroll"> | null>(null);
  const enroll = useMutation({
    mutationFn: () => enrollNode({ alias: alias.trim(), ...(site.trim() ? { site: site.trim() } : {}) }),
    onSuccess: (r) => {
      setResult(r);
      void qc.invalidateQueries({ queryKey: ["nodes"] });
      void qc.invalidateQueries({ queryKey: ["status"] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    enroll.mutate();
  };
  return (
    <Dialog title="Enroll node" onClose={onClose}>
      {result ? (
        <>
          <p>
            Node <strong>{result.node.alias}</strong> is waiting for its agent. The token expires at{" "}
            <When value={result.expiresAt} />.
          </p>
          <OneTimeSecret label="Bootstrap token" value={result.bootstrapToken} />
          <OneTimeSecret
            label="Agent command"
            value={agentCommand(result.bootstrapToken)}
            note="Run this on the node as the user the agent runs as."
          />
          <button type="button" className="button button--primary" onClick={onClose}>
            Done
          </button>
        </>
      ) : (
        <form className="form" onSubmit={submit}>
          <TextField label="Alias" value={alias} onChange={setAlias} required />
          <TextField label="Site (optional)" value={site} onChange={setSite} />
          <ErrorNotice error={enroll.error} />
          <div className="row">
            <button type="submit" className="button button--primary" disabled={enroll.isPending || !alias.trim()}>
              {enroll.isPending ? "Enrolling…" : "Enroll"}
            </button>
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function NodeTable({ nodes }: { nodes: Node[] }) {
  if (nodes.length === 0) return <p className="muted">No nodes match.</p>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Alias</th>
          <th scope="col">Status</th>
          <th scope="col">Site</th>
          <th scope="col">Hostname</th>
          <th scope="col">Open events</th>
          <th scope="col">Last seen</th>
        </tr>
      </thead>
      <tbody>
        {nodes.map((n) => (
          <tr key={n.id}>
            <td>
              <Link to={`/nodes/${encodeURIComponent(n.id)}`}>{n.alias || n.id}</Link>
            </td>
            <td>
              <Badge value={n.status} />
            </td>
            <td>{n.site || "—"}</td>
            <td>{n.hostname || "—"}</td>
            <td>
              {n.openHealthEvents.critical ? <Badge value={`${n.openHealthEvents.critical} critical`} /> : null}{" "}
              {n.openHealthEvents.warning ? <Badge value={`${n.openHealthEvents.warning} warning`} /> : null}
              {!n.openHealthEvents.critical && !n.openHealthEvents.warning ? "0" : null}
            </td>
            <td>
              <When value={n.lastSeenAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NodesBody() {
  const [status, setStatus] = useState("");
  const [site, setSite] = useState("");
  const [q, setQ] = useState("");
  const [offset, setOffset] = useState(0);
  const [enrolling, setEnrolling] = useState(false);
  const query = { status, site, q, limit: PAGE, offset };
  const nodes = useQuery({
    queryKey: ["nodes", "list", query],
    queryFn: ({ signal }) => listNodes(query, signal),
    placeholderData: keepPreviousData,
  });
  const filter = (set: (v: string) => void) => (v: string) => {
    set(v);
    setOffset(0);
  };
  return (
    <>
      <div className="toolbar">
        <SelectField label="Status" value={status} onChange={filter(setStatus)} options={STATUSES} />
        <TextField label="Site" value={site} onChange={filter(setSite)} />
        <TextField label="Search" value={q} onChange={filter(setQ)} placeholder="alias, hostname…" />
        <PermButton permission="node:manage" className="button button--primary" onClick={() => setEnrolling(true)}>
          Enroll node
        </PermButton>
      </div>
      {nodes.isError ? (
        <ErrorCard title="Could not load nodes" message={nodes.error.message} onRetry={() => void nodes.refetch()} />
      ) : nodes.isPending ? (
        <p className="muted" role="status">
          Loading nodes…
        </p>
      ) : (
        <>
          <NodeTable nodes={nodes.data.items} />
          <Pager offset={offset} limit={PAGE} total={nodes.data.meta.total} onChange={setOffset} />
        </>
      )}
      {enrolling ? <EnrollDialog onClose={() => setEnrolling(false)} /> : null}
    </>
  );
}

/** Nodes: filterable, paginated list and enrolment. */
export function NodesPage() {
  return (
    <>
      <h1>Nodes</h1>
      <PageGuard permission="node:read" what="Nodes">
        <NodesBody />
      </PageGuard>
    </>
  );
}
