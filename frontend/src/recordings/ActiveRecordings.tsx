// Dashboard pieces for recordings: the active count and the active list
// with Stop, plus the Record button.

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { listRecordings } from "../api/recordings";
import type { Recording } from "../api/recordings";
import { Card } from "../components/Card";
import { QueryList, TableHead } from "../components/table";
import { Badge, When } from "../components/ui";
import { formatDuration } from "../format/units";
import { StopRecordingButton } from "./controls";
import { RecordButton } from "./RecordDialog";
import { useLiveTopics } from "./useLiveTopics";
import { NodeName } from "./NodeName";

/** Seconds since `startedAt` (or createdAt), for a running clock. */
export function elapsedSeconds(r: Pick<Recording, "startedAt" | "createdAt">, now = Date.now()): number {
  const from = Date.parse(r.startedAt || r.createdAt);
  return Number.isFinite(from) ? Math.max(0, (now - from) / 1000) : 0;
}

const ACTIVE_QUERY = { status: "queued,recording", limit: 50, sort: "-createdAt" } as const;

/** The active recordings, shared by the tile and the list. */
export function useActiveRecordings() {
  return useQuery({
    queryKey: ["recordings", "active"],
    queryFn: ({ signal }) => listRecordings(ACTIVE_QUERY, signal),
    refetchInterval: 10_000,
  });
}

function Elapsed({ r }: { r: Recording }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  if (r.status !== "recording") return <span className="muted">—</span>;
  return <span className="mono">{formatDuration(elapsedSeconds(r, now))}</span>;
}

/** The "Active recordings" card with Record and Stop. */
export function ActiveRecordings() {
  useLiveTopics(["recordings", "jobs"]);
  const q = useActiveRecordings();
  return (
    <Card title={`Active recordings${q.data ? ` (${q.data.meta.total})` : ""}`}>
      <div className="toolbar">
        <RecordButton />
        <Link to="/recordings">Library</Link>
      </div>
      <QueryList query={q} items={q.data?.items} empty="Nothing is recording.">
        {(items) => (
          <table className="table" aria-label="Active recordings">
            <TableHead columns={["Name", "Status", "Node", "Started", "Elapsed"]} hidden="Actions" />
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/recordings/${encodeURIComponent(r.id)}`}>{r.name || r.id}</Link>
                  </td>
                  <td>
                    <Badge value={r.status} />
                  </td>
                  <td>
                    <NodeName id={r.nodeId} />
                  </td>
                  <td>
                    <When value={r.startedAt || r.createdAt} />
                  </td>
                  <td>
                    <Elapsed r={r} />
                  </td>
                  <td>
                    <StopRecordingButton recording={r} small />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryList>
    </Card>
  );
}
