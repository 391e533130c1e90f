// Capture jobs (recording:read): status filter, Stop and Retry.

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { JOB_STATUSES, listJobs } from "../api/recordings";
import { ErrorCard } from "../components/Card";
import { PageGuard, Pager, SelectField, TextField } from "../components/ui";
import { JobsTable } from "../recordings/JobsTable";
import { RecordingTabs } from "../recordings/Tabs";
import { useLiveTopics } from "../recordings/useLiveTopics";

const PAGE = 50;

function JobsBody() {
  useLiveTopics(["jobs"]);
  const [status, setStatus] = useState("");
  const [nodeId, setNodeId] = useState("");
  const [offset, setOffset] = useState(0);
  const query = { status: status || undefined, nodeId: nodeId.trim() || undefined, limit: PAGE, offset };
  const jobs = useQuery({
    queryKey: ["jobs", "list", query],
    queryFn: ({ signal }) => listJobs(query, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
  return (
    <>
      <div className="toolbar" role="search" aria-label="Filter jobs">
        <SelectField
          label="Job status"
          value={status}
          onChange={(v) => {
            setStatus(v);
            setOffset(0);
          }}
          options={[["", "Any"], ...JOB_STATUSES.map((s): [string, string] => [s, s.replaceAll("_", " ")])]}
        />
        <TextField
          label="Node ID"
          value={nodeId}
          onChange={(v) => {
            setNodeId(v);
            setOffset(0);
          }}
        />
      </div>
      {jobs.isError ? (
        <ErrorCard title="Could not load jobs" message={jobs.error.message} onRetry={() => void jobs.refetch()} />
      ) : jobs.isPending ? (
        <p className="muted" role="status">
          Loading jobs…
        </p>
      ) : (
        <JobsTable jobs={jobs.data.items} showRecording />
      )}
      {jobs.data ? <Pager offset={offset} limit={PAGE} total={jobs.data.meta.total} onChange={setOffset} /> : null}
    </>
  );
}

/** Recordings → Jobs. */
export function JobsPage() {
  return (
    <>
      <h1>Recording jobs</h1>
      <PageGuard permission="recording:read" what="Recording jobs">
        <RecordingTabs />
        <JobsBody />
      </PageGuard>
    </>
  );
}
