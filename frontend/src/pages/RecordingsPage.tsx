// The recordings library (recording:read): filters with facet counts, sort,
// pagination, bulk organise/delete and the CSV manifest export.

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import {
  EMPTY_FILTERS,
  RECORDING_STATUSES,
  bulkDelete,
  bulkMetadata,
  facetQuery,
  fetchFacets,
  isTerminal,
  listRecordings,
  parseTags,
  recordingQuery,
} from "../api/recordings";
import type { BulkMetadataRequest, FacetValue, Recording, RecordingFilters } from "../api/recordings";
import { listNodes } from "../api/fleet";
import { useCan } from "../auth/Guard";
import { ErrorCard } from "../components/Card";
import { DateTimeFilter } from "../components/DateTimeFilter";
import { Badge, Dialog, ErrorNotice, ExportButton, PageGuard, Pager, PermButton, SelectField, TextField, When } from "../components/ui";
import { formatBytes, formatDuration } from "../format/units";
import { ConfirmDialogButton } from "../recordings/controls";
import { RecordButton } from "../recordings/RecordDialog";
import { RecordingTabs } from "../recordings/Tabs";
import { useLiveTopics } from "../recordings/useLiveTopics";
import { NodeName } from "../recordings/NodeName";

const PAGE = 25;

const SORTS: [string, string][] = [
  ["-createdAt", "Newest first"],
  ["createdAt", "Oldest first"],
  ["name", "Name A–Z"],
  ["-name", "Name Z–A"],
  ["-duration", "Longest first"],
  ["duration", "Shortest first"],
  ["-size", "Largest first"],
  ["size", "Smallest first"],
  ["status", "Status"],
];

const FILTER_KEYS = Object.keys(EMPTY_FILTERS) as (keyof RecordingFilters)[];

/** The filters held in the URL's search params (so Back from a recording keeps them). */
export function filtersFromParams(params: URLSearchParams): RecordingFilters {
  const f = { ...EMPTY_FILTERS };
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v !== null) f[k] = v;
  }
  return f;
}

/** Options of a facet select: "Any" and each value with its count; the current value stays listed. */
export function facetOptions(values: readonly FacetValue[] | undefined, current: string, label = (v: string) => v): [string, string][] {
  const opts: [string, string][] = [["", "Any"]];
  const seen = new Set<string>();
  for (const f of values ?? []) {
    if (!f.value) continue;
    seen.add(f.value);
    opts.push([f.value, `${label(f.value)} (${f.count})`]);
  }
  if (current && !seen.has(current)) opts.push([current, label(current)]);
  return opts;
}

/** The bulk-metadata body for the organise form; null when it changes nothing. */
export function organiseRequest(ids: string[], folder: string, addTags: string, removeTags: string): BulkMetadataRequest | null {
  const body: BulkMetadataRequest = { ids };
  if (folder.trim()) body.folder = folder.trim();
  const add = parseTags(addTags);
  const remove = parseTags(removeTags);
  if (add.length) body.addTags = add;
  if (remove.length) body.removeTags = remove;
  return body.folder === undefined && !add.length && !remove.length ? null : body;
}

function OrganiseDialog({ ids, onClose, onDone }: { ids: string[]; onClose: () => void; onDone: () => void }) {
  const [folder, setFolder] = useState("");
  const [addTags, setAddTags] = useState("");
  const [removeTags, setRemoveTags] = useState("");
  const body = organiseRequest(ids, folder, addTags, removeTags);
  const save = useMutation({
    mutationFn: (b: BulkMetadataRequest) => bulkMetadata(b),
    onSuccess: () => {
      onDone();
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (body) save.mutate(body);
  };
  return (
    <Dialog title={`Organise ${ids.length} recording${ids.length === 1 ? "" : "s"}`} onClose={onClose}>
      <form className="form" onSubmit={submit} aria-label="Organise recordings">
        <TextField label="Move to folder" value={folder} onChange={setFolder} placeholder="leave empty to keep" />
        <TextField label="Add tags" value={addTags} onChange={setAddTags} placeholder="comma-separated" />
        <TextField label="Remove tags" value={removeTags} onChange={setRemoveTags} placeholder="comma-separated" />
        <ErrorNotice error={save.error} />
        <div className="row">
          <button type="submit" className="button button--primary" disabled={save.isPending || !body}>
            Apply
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function LibraryBody() {
  useLiveTopics(["recordings"]);
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const offset = Math.max(0, Number(params.get("offset")) || 0);
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [organising, setOrganising] = useState(false);

  const set = (k: keyof RecordingFilters) => (v: string) => {
    const next = new URLSearchParams(params);
    if (v && v !== EMPTY_FILTERS[k]) next.set(k, v);
    else next.delete(k);
    next.delete("offset");
    setParams(next, { replace: true });
    setSelected(new Set());
  };
  const setOffset = (o: number) => {
    const next = new URLSearchParams(params);
    if (o) next.set("offset", String(o));
    else next.delete("offset");
    setParams(next, { replace: true });
  };

  const query = recordingQuery(filters, { limit: PAGE, offset });
  const list = useQuery({
    queryKey: ["recordings", "list", query],
    queryFn: ({ signal }) => listRecordings(query, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const fq = facetQuery(filters);
  const facets = useQuery({
    queryKey: ["recordings", "facets", fq],
    queryFn: ({ signal }) => fetchFacets(fq, signal),
    placeholderData: keepPreviousData,
  });
  const nodeRead = useCan("node:read");
  const nodes = useQuery({
    queryKey: ["nodes", "picker"],
    queryFn: ({ signal }) => listNodes({ limit: 500 }, signal),
    enabled: nodeRead.allowed,
    staleTime: 60_000,
  });
  const invalidate = () => {
    setSelected(new Set());
    void qc.invalidateQueries({ queryKey: ["recordings"] });
  };

  const items = list.data?.items ?? [];
  const chosen = items.filter((r) => selected.has(r.id));
  const nonTerminal = chosen.filter((r) => !isTerminal(r.status));
  const allOnPage = items.length > 0 && items.every((r) => selected.has(r.id));
  const toggle = (r: Recording, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(r.id);
    else next.delete(r.id);
    setSelected(next);
  };
  const f = facets.data;
  const nodeLabel = (id: string) => {
    const n = nodes.data?.items.find((x) => x.id === id);
    return n ? n.alias || n.hostname || id : id;
  };

  return (
    <>
      <div className="toolbar">
        <RecordButton />
        <ExportButton path="/recordings/export" query={recordingQuery(filters)} filename="recordings.csv" />
      </div>
      <div className="toolbar" role="search" aria-label="Filter recordings">
        <TextField label="Search" value={filters.q} onChange={set("q")} placeholder="name, folder, notes, tag" />
        <SelectField
          label="Status"
          value={filters.status}
          onChange={set("status")}
          options={
            f?.statuses?.length
              ? facetOptions(f.statuses, filters.status)
              : [["", "Any"], ...RECORDING_STATUSES.map((s): [string, string] => [s, s])]
          }
        />
        <SelectField
          label="Node"
          value={filters.nodeId}
          onChange={set("nodeId")}
          options={facetOptions(f?.nodes, filters.nodeId, nodeLabel)}
        />
        <SelectField label="Folder" value={filters.folder} onChange={set("folder")} options={facetOptions(f?.folders, filters.folder)} />
        <SelectField label="Tag" value={filters.tag} onChange={set("tag")} options={facetOptions(f?.tags, filters.tag)} />
        <DateTimeFilter label="From" value={filters.from} onChange={set("from")} />
        <DateTimeFilter label="To" value={filters.to} onChange={set("to")} />
        <SelectField label="Sort" value={filters.sort} onChange={set("sort")} options={SORTS} />
        {FILTER_KEYS.some((k) => filters[k] !== EMPTY_FILTERS[k]) ? (
          <button type="button" className="button" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
            Clear filters
          </button>
        ) : null}
      </div>
      {facets.isError ? <ErrorNotice error={facets.error} /> : null}

      <div className="toolbar" role="group" aria-label="Bulk actions">
        <span className="muted">{selected.size} selected</span>
        <PermButton permission="recording:edit" disabled={selected.size === 0} onClick={() => setOrganising(true)}>
          Organise…
        </PermButton>
        <ConfirmDialogButton
          permission="recording:delete"
          label="Delete…"
          title="Delete recordings"
          question={
            <p>
              Delete {chosen.length} recording{chosen.length === 1 ? "" : "s"} with their files? This cannot be undone.
            </p>
          }
          confirmLabel="Delete"
          danger
          disabled={chosen.length === 0 || nonTerminal.length > 0}
          disabledReason={
            nonTerminal.length > 0
              ? `Only finished recordings can be deleted; ${nonTerminal.length} selected are still ${nonTerminal[0]?.status}.`
              : "Select recordings first."
          }
          action={() => bulkDelete(chosen.map((r) => r.id))}
          onDone={invalidate}
        />
        {nonTerminal.length > 0 ? (
          <span className="muted">Only finished recordings can be deleted.</span>
        ) : null}
      </div>

      {list.isError ? (
        <ErrorCard title="Could not load recordings" message={list.error.message} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <p className="muted" role="status">
          Loading recordings…
        </p>
      ) : items.length === 0 ? (
        <p className="muted">No recordings match.</p>
      ) : (
        <table className="table" aria-label="Recordings">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select all on this page"
                  checked={allOnPage}
                  onChange={(e) => setSelected(e.target.checked ? new Set(items.map((r) => r.id)) : new Set())}
                />
              </th>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Duration</th>
              <th scope="col">Size</th>
              <th scope="col">Folder</th>
              <th scope="col">Tags</th>
              <th scope="col">Node</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} className={selected.has(r.id) ? "row--selected" : undefined}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${r.name || r.id}`}
                    checked={selected.has(r.id)}
                    onChange={(e) => toggle(r, e.target.checked)}
                  />
                </td>
                <td>
                  <Link to={`/recordings/${encodeURIComponent(r.id)}`}>{r.name || r.id}</Link>
                </td>
                <td>
                  <Badge value={r.status} />
                  {r.healthStatus && r.healthStatus !== "healthy" && r.healthStatus !== "unknown" ? (
                    <> <Badge value={r.healthStatus} /></>
                  ) : null}
                </td>
                <td>
                  <When value={r.createdAt} />
                </td>
                <td className="num">{formatDuration(r.durationSeconds)}</td>
                <td className="num">{formatBytes(r.sizeBytes)}</td>
                <td>{r.folder || <span className="muted">—</span>}</td>
                <td>
                  {r.tags?.length ? (
                    <ul className="tags" aria-label="Tags">
                      {r.tags.map((t) => (
                        <li key={t} className="tag">
                          {t}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  <NodeName id={r.nodeId} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data ? <Pager offset={offset} limit={PAGE} total={list.data.meta.total} onChange={setOffset} /> : null}
      {organising ? <OrganiseDialog ids={[...selected]} onClose={() => setOrganising(false)} onDone={invalidate} /> : null}
    </>
  );
}

/** Recordings: the library. */
export function RecordingsPage() {
  return (
    <>
      <h1>Recordings</h1>
      <PageGuard permission="recording:read" what="Recordings">
        <RecordingTabs />
        <LibraryBody />
      </PageGuard>
    </>
  );
}
