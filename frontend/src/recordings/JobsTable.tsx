import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { LIVE_JOB_STATUSES, RETRYABLE_JOB_STATUSES, retryJob, stopJob } from "../api/recordings";
import type { Job } from "../api/recordings";
import { TableHead } from "../components/table";
import { Badge, ErrorNotice, PermButton, When } from "../components/ui";
import { ConfirmDialogButton } from "./controls";
import { NodeName } from "./NodeName";

function Retry({ job }: { job: Job }) {
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: () => retryJob(job.id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["jobs"] });
      void qc.invalidateQueries({ queryKey: ["recordings"] });
    },
  });
  return (
    <>
      <PermButton
        permission="recording:control"
        className="button button--small"
        aria-label={`Retry job ${job.id}`}
        disabled={m.isPending}
        onClick={() => m.mutate()}
      >
        Retry
      </PermButton>
      <ErrorNotice error={m.error} />
    </>
  );
}

/** Capture jobs with their failure reasons, Stop (live) and Retry (failed/cancelled). */
export function JobsTable({ jobs, showRecording }: { jobs: readonly Job[]; showRecording?: boolean }) {
  const qc = useQueryClient();
  if (jobs.length === 0) return <p className="muted">No jobs.</p>;
  return (
    <table className="table" aria-label="Jobs">
      <TableHead
        columns={["Job", ...(showRecording ? ["Recording"] : []), "Status", "Node", "Created", "Started", "Completed", "Reason"]}
        hidden="Actions"
      />
      <tbody>
        {jobs.map((j) => (
          <tr key={j.id}>
            <td>
              <code title={j.claimedBy ? `claimed by ${j.claimedBy}` : undefined}>{j.id}</code>
            </td>
            {showRecording ? (
              <td>
                <Link to={`/recordings/${encodeURIComponent(j.recordingId)}`}>
                  <code>{j.recordingId}</code>
                </Link>
              </td>
            ) : null}
            <td>
              <Badge value={j.status} />
            </td>
            <td>
              <NodeName id={j.nodeId} />
            </td>
            <td>
              <When value={j.createdAt} />
            </td>
            <td>
              <When value={j.startedAt} />
            </td>
            <td>
              <When value={j.completedAt} />
            </td>
            <td className="prewrap">{j.failureReason || <span className="muted">—</span>}</td>
            <td>
              {LIVE_JOB_STATUSES.includes(j.status) ? (
                <ConfirmDialogButton
                  permission="recording:control"
                  label="Stop"
                  ariaLabel={`Stop job ${j.id}`}
                  title="Stop job"
                  question={<p>Stop job {j.id}? The agent ends the capture and uploads what it has.</p>}
                  confirmLabel="Stop job"
                  danger
                  small
                  action={() => stopJob(j.id)}
                  onDone={() => {
                    void qc.invalidateQueries({ queryKey: ["jobs"] });
                    void qc.invalidateQueries({ queryKey: ["recordings"] });
                  }}
                />
              ) : null}
              {RETRYABLE_JOB_STATUSES.includes(j.status) ? <Retry job={j} /> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
