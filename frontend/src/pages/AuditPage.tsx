import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { fetchAuditEvent, listAuditEvents, verifyAudit } from "../api/fleet";
import { ErrorCard } from "../components/Card";
import { DateTimeFilter } from "../components/DateTimeFilter";
import { Badge, Dialog, ErrorNotice, ExportButton, PageGuard, Pager, SelectField, TextField, When } from "../components/ui";

const PAGE = 50;

/** Stable pretty JSON with sorted keys, for diffing. */
export function prettyJson(v: unknown): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (x && typeof x === "object")
      return Object.fromEntries(
        Object.keys(x as Record<string, unknown>)
          .sort()
          .map((k) => [k, sort((x as Record<string, unknown>)[k])]),
      );
    return x;
  };
  return v === undefined ? "" : JSON.stringify(sort(v), null, 2);
}

/** Top-level keys whose values differ between before and after. */
export function changedKeys(before: unknown, after: unknown): string[] {
  const obj = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const b = obj(before);
  const a = obj(after);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return keys.filter((k) => prettyJson(b[k]) !== prettyJson(a[k]));
}

/** `datetime-local`-format value ("YYYY-MM-DDTHH:MM", local; what DateTimeFilter emits) → RFC 3339 in UTC, or "" */
function toRfc3339(local: string): string {
  if (!local) return "";
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

function AuditDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const ev = useQuery({ queryKey: ["audit", "event", id], queryFn: ({ signal }) => fetchAuditEvent(id, signal) });
  const e = ev.data;
  const changed = e ? changedKeys(e.before, e.after) : [];
  return (
    <Dialog title="Audit event" onClose={onClose}>
      <div className="drawer">
        {ev.isError ? <ErrorNotice error={ev.error} /> : null}
        {ev.isPending ? <p className="muted">Loading…</p> : null}
        {e ? (
          <>
            <dl className="facts">
              <dt>When</dt>
              <dd>
                <When value={e.createdAt} />
              </dd>
              <dt>Seq</dt>
              <dd>{e.seq}</dd>
              <dt>Action</dt>
              <dd>
                <code>{e.action}</code>
              </dd>
              <dt>Outcome</dt>
              <dd>
                <Badge value={e.outcome} /> {e.reason}
              </dd>
              <dt>Permission</dt>
              <dd>{e.permission || "—"}</dd>
              <dt>Actor</dt>
              <dd>
                {e.actor.name || e.actor.id} ({e.actor.type}) {e.actor.roles.join(", ")}
              </dd>
              <dt>From</dt>
              <dd>
                {e.actorContext.ipAddress || "—"} · {e.actorContext.userAgent || "—"}
              </dd>
              <dt>Target</dt>
              <dd>
                {e.target.type}:{e.target.id} {e.target.name}
              </dd>
              <dt>Correlation</dt>
              <dd>
                {Object.keys(e.correlationIds).length ? (
                  <ul className="plain">
                    {Object.entries(e.correlationIds).map(([k, v]) => (
                      <li key={k}>
                        {k}: <code>{v}</code>
                      </li>
                    ))}
                  </ul>
                ) : (
                  "—"
                )}
              </dd>
              <dt>Hash</dt>
              <dd>
                <code className="wrap">{e.hash}</code>
              </dd>
            </dl>
            <h3>Changes</h3>
            {changed.length ? (
              <p>
                Changed: {changed.map((k) => <code key={k}>{k} </code>)}
              </p>
            ) : (
              <p className="muted">No field changes.</p>
            )}
            <div className="diff">
              <section aria-label="Before">
                <h4>Before</h4>
                <pre>{prettyJson(e.before) || "null"}</pre>
              </section>
              <section aria-label="After">
                <h4>After</h4>
                <pre>{prettyJson(e.after) || "null"}</pre>
              </section>
            </div>
            {Object.keys(e.details).length ? (
              <>
                <h3>Details</h3>
                <pre>{prettyJson(e.details)}</pre>
              </>
            ) : null}
          </>
        ) : null}
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function VerifyChain() {
  const verify = useMutation({ mutationFn: verifyAudit });
  const r = verify.data;
  return (
    <div className="verify">
      <button type="button" className="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
        {verify.isPending ? "Verifying…" : "Verify chain"}
      </button>
      <ErrorNotice error={verify.error} />
      {r ? (
        r.ok ? (
          <p className="notice notice--info" role="status">
            Chain OK — {r.checked} rows checked.
          </p>
        ) : (
          <p className="notice notice--error" role="alert">
            Chain broken at row {r.firstBrokenSeq ?? "?"} (<code>{r.firstBrokenId ?? "?"}</code>): {r.problem ?? "unknown problem"}.{" "}
            {r.checked} rows checked.
          </p>
        )
      ) : null}
    </div>
  );
}

function AuditBody() {
  const [actor, setActor] = useState("");
  const [action, setAction] = useState("");
  const [outcome, setOutcome] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const filters = { actor, action, outcome, from: toRfc3339(from), to: toRfc3339(to) };
  const query = { ...filters, limit: PAGE, offset };
  const events = useQuery({
    queryKey: ["audit", "list", query],
    queryFn: ({ signal }) => listAuditEvents(query, signal),
    placeholderData: keepPreviousData,
  });
  const filter = (set: (v: string) => void) => (v: string) => {
    set(v);
    setOffset(0);
  };
  return (
    <>
      <div className="toolbar">
        <TextField label="Actor" value={actor} onChange={filter(setActor)} />
        <TextField label="Action (prefix)" value={action} onChange={filter(setAction)} />
        <SelectField
          label="Outcome"
          value={outcome}
          onChange={filter(setOutcome)}
          options={["", "allowed", "denied", "succeeded", "failed", "partial"]}
        />
        <DateTimeFilter label="From" value={from} onChange={filter(setFrom)} />
        <DateTimeFilter label="To" value={to} onChange={filter(setTo)} />
        <ExportButton path="/audit-events/export" query={filters} filename="audit-events.csv" />
      </div>
      <VerifyChain />
      {events.isError ? (
        <ErrorCard title="Could not load audit events" message={events.error.message} onRetry={() => void events.refetch()} />
      ) : events.isPending ? (
        <p className="muted" role="status">
          Loading audit events…
        </p>
      ) : events.data.items.length === 0 ? (
        <p className="muted">No audit events match.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Target</th>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {events.data.items.map((e) => (
              <tr key={e.id}>
                <td>
                  <When value={e.createdAt} />
                </td>
                <td>{e.actor.name || e.actor.id}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>
                  <Badge value={e.outcome} />
                </td>
                <td>
                  {e.target.type}:{e.target.name || e.target.id}
                </td>
                <td>
                  <button type="button" className="button button--small" onClick={() => setOpen(e.id)} aria-label={`Details of ${e.action} #${e.seq}`}>
                    Details
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {events.data ? <Pager offset={offset} limit={PAGE} total={events.data.meta.total} onChange={setOffset} /> : null}
      {open ? <AuditDetail id={open} onClose={() => setOpen(null)} /> : null}
    </>
  );
}

/** The audit trail (audit:read): filters, details with diff, export and chain check. */
export function AuditPage() {
  return (
    <>
      <h1>Audit</h1>
      <PageGuard permission="audit:read" what="Audit">
        <AuditBody />
      </PageGuard>
    </>
  );
}
