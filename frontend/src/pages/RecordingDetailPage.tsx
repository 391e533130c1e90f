// One recording: facts, waveform, player, download, metadata form, chunks
// and jobs.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import {
  ACTIVE_STATUSES,
  deleteRecording,
  discardRecording,
  fetchRecording,
  isTerminal,
  parseTags,
  updateMetadata,
} from "../api/recordings";
import type { RecordingDetail } from "../api/recordings";
import { useCan } from "../auth/Guard";
import { Card, ErrorCard } from "../components/Card";
import { Badge, ErrorNotice, PageGuard, PermButton, TextField, When } from "../components/ui";
import { formatBytes, formatDuration, formatRate } from "../format/units";
import { ConfirmDialogButton, DownloadButton, RecordingPlayer, StopRecordingButton } from "../recordings/controls";
import { JobsTable } from "../recordings/JobsTable";
import { NodeName } from "../recordings/NodeName";
import { useLiveTopics } from "../recordings/useLiveTopics";
import { Waveform } from "../recordings/Waveform";

function Metadata({ r }: { r: RecordingDetail }) {
  const qc = useQueryClient();
  const edit = useCan("recording:edit");
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(r.name);
  const [folder, setFolder] = useState(r.folder);
  const [tags, setTags] = useState((r.tags ?? []).join(", "));
  const [notes, setNotes] = useState(r.notes);
  const save = useMutation({
    mutationFn: () => updateMetadata(r.id, { name: name.trim(), folder: folder.trim(), tags: parseTags(tags), notes }),
    onSuccess: () => {
      setEditing(false);
      void qc.invalidateQueries({ queryKey: ["recordings"] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  if (editing)
    return (
      <Card title="Metadata">
        <form className="form" onSubmit={submit} aria-label="Edit metadata">
          <TextField label="Name" value={name} onChange={setName} required />
          <TextField label="Folder" value={folder} onChange={setFolder} />
          <TextField label="Tags" value={tags} onChange={setTags} placeholder="comma-separated" />
          <div className="field">
            <label htmlFor="rec-notes">Notes</label>
            <textarea id="rec-notes" rows={4} value={notes} onChange={(e) => setNotes(e.target.value)} />
          </div>
          <ErrorNotice error={save.error} />
          <div className="row">
            <button type="submit" className="button button--primary" disabled={save.isPending}>
              {save.isPending ? "Saving…" : "Save"}
            </button>
            <button type="button" className="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      </Card>
    );
  return (
    <Card title="Metadata">
      <dl className="facts">
        <dt>Name</dt>
        <dd>{r.name || "—"}</dd>
        <dt>Folder</dt>
        <dd>{r.folder || "—"}</dd>
        <dt>Tags</dt>
        <dd>
          {r.tags?.length ? (
            <ul className="tags" aria-label="Tags">
              {r.tags.map((t) => (
                <li key={t} className="tag">
                  {t}
                </li>
              ))}
            </ul>
          ) : (
            "—"
          )}
        </dd>
        <dt>Notes</dt>
        <dd className="prewrap">{r.notes || "—"}</dd>
      </dl>
      <PermButton
        permission="recording:edit"
        onClick={() => {
          setName(r.name);
          setFolder(r.folder);
          setTags((r.tags ?? []).join(", "));
          setNotes(r.notes);
          save.reset();
          setEditing(true);
        }}
      >
        Edit metadata
      </PermButton>
      {!edit.allowed ? <p className="muted">{edit.reason}</p> : null}
    </Card>
  );
}

function Facts({ r }: { r: RecordingDetail }) {
  return (
    <Card title="Recording">
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <Badge value={r.status} /> <Badge value={r.healthStatus} />
        </dd>
        {r.failureReason ? (
          <>
            <dt>Failure</dt>
            <dd className="prewrap">{r.failureReason}</dd>
          </>
        ) : null}
        <dt>Created</dt>
        <dd>
          <When value={r.createdAt} />
        </dd>
        <dt>Started</dt>
        <dd>
          <When value={r.startedAt} />
        </dd>
        <dt>Ended</dt>
        <dd>
          <When value={r.endedAt} />
        </dd>
        <dt>Duration</dt>
        <dd>{formatDuration(r.durationSeconds)}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(r.sizeBytes)}</dd>
        <dt>Format</dt>
        <dd>
          {r.codec || "—"} · {formatRate(r.sampleRate)} · {r.channelCount} ch · {r.channelMode.replaceAll("_", " ")}
        </dd>
        <dt>Channels</dt>
        <dd>{r.channels?.length ? r.channels.join(", ") : "—"}</dd>
        <dt>Chunks</dt>
        <dd>
          {r.chunks?.length ?? 0} of {r.chunkTotal || "?"} ({r.chunkSeconds ? `${r.chunkSeconds} s each` : "—"})
        </dd>
        <dt>Node</dt>
        <dd>
          <Link to={`/nodes/${encodeURIComponent(r.nodeId)}`}>
            <NodeName id={r.nodeId} />
          </Link>{" "}
          <span className="muted">interface {r.interfaceId || "—"}</span>
        </dd>
        <dt>Room</dt>
        <dd>{r.roomId || "—"}</dd>
        <dt>Profile</dt>
        <dd>{r.profileId || "—"}</dd>
        <dt>Source</dt>
        <dd>{r.source || "—"}</dd>
        <dt>SHA-256</dt>
        <dd>
          <code className="wrap">{r.checksum || "—"}</code>
        </dd>
        <dt>ID</dt>
        <dd>
          <code>{r.id}</code>
        </dd>
      </dl>
    </Card>
  );
}

function Chunks({ r }: { r: RecordingDetail }) {
  const chunks = r.chunks ?? [];
  return (
    <Card title={`Chunks (${chunks.length})`}>
      {chunks.length === 0 ? (
        <p className="muted">No chunks stored on the controller yet.</p>
      ) : (
        <table className="table" aria-label="Chunks">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Offset</th>
              <th scope="col">Length</th>
              <th scope="col">Size</th>
              <th scope="col">SHA-256</th>
              <th scope="col">
                <span className="visually-hidden">Download</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {chunks.map((c) => (
              <tr key={c.index}>
                <td className="num">{c.index}</td>
                <td className="num">{r.sampleRate ? formatDuration(c.offsetFrames / r.sampleRate) : c.offsetFrames}</td>
                <td className="num">
                  {c.durationSeconds !== undefined
                    ? formatDuration(c.durationSeconds)
                    : r.sampleRate
                      ? formatDuration(c.frames / r.sampleRate)
                      : c.frames}
                </td>
                <td className="num">{formatBytes(c.sizeBytes)}</td>
                <td>
                  <code className="wrap" title={c.sha256}>
                    {c.sha256 ? `${c.sha256.slice(0, 16)}…` : "—"}
                  </code>
                </td>
                <td>
                  <DownloadButton recording={r} chunk={c.index} small label="Download" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function Detail({ id }: { id: string }) {
  useLiveTopics(["recordings", "jobs"]);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [progress, setProgress] = useState<number | undefined>(undefined);
  const q = useQuery({
    queryKey: ["recordings", "detail", id],
    queryFn: ({ signal }) => fetchRecording(id, signal),
    refetchInterval: (query) => (query.state.data && !isTerminal(query.state.data.status) ? 5_000 : 60_000),
  });
  if (q.isError)
    return <ErrorCard title="Could not load the recording" message={q.error.message} onRetry={() => void q.refetch()} />;
  if (q.isPending)
    return (
      <p className="muted" role="status">
        Loading recording…
      </p>
    );
  const r = q.data;
  const terminal = isTerminal(r.status);
  const notTerminalReason = `The recording is still ${r.status}; stop it first.`;
  return (
    <>
      <h2 className="subtitle">
        {r.name || r.id} <Badge value={r.status} />
      </h2>
      <div className="toolbar">
        {ACTIVE_STATUSES.includes(r.status) ? <StopRecordingButton recording={r} /> : null}
        <DownloadButton recording={r} />
        <ConfirmDialogButton
          permission="recording:delete"
          label="Discard"
          title="Discard recording"
          question={
            <p>
              Discard {r.name || r.id}? A running capture is cancelled and the recording is deleted with its files.
            </p>
          }
          confirmLabel="Discard"
          danger
          action={() => discardRecording(r.id)}
          onDone={() => {
            void qc.invalidateQueries({ queryKey: ["recordings"] });
            void navigate("/recordings");
          }}
        />
        <ConfirmDialogButton
          permission="recording:delete"
          label="Delete"
          title="Delete recording"
          question={<p>Delete {r.name || r.id} with its files, chunks and jobs? This cannot be undone.</p>}
          confirmLabel="Delete"
          danger
          disabled={!terminal}
          disabledReason={notTerminalReason}
          action={() => deleteRecording(r.id)}
          onDone={() => {
            void qc.invalidateQueries({ queryKey: ["recordings"] });
            void navigate("/recordings");
          }}
        />
      </div>
      <Card title="Listen">
        <Waveform data={r.waveform} durationSeconds={r.durationSeconds} progress={progress} />
        {terminal && r.sizeBytes > 0 ? (
          <RecordingPlayer recording={r} onProgress={setProgress} />
        ) : (
          <p className="muted">Playback is available once the recording has finished and its audio is stored.</p>
        )}
      </Card>
      <div className="grid">
        <Facts r={r} />
        <Metadata key={`${r.id}:${r.name}:${r.folder}:${r.notes}:${(r.tags ?? []).join(",")}`} r={r} />
      </div>
      <Chunks r={r} />
      <Card title={`Jobs (${r.jobs?.length ?? 0})`}>
        <JobsTable jobs={r.jobs ?? []} />
      </Card>
    </>
  );
}

/** One recording (recording:read). */
export function RecordingDetailPage() {
  const { id = "" } = useParams();
  return (
    <>
      <p>
        <Link to="/recordings">← Recordings</Link>
      </p>
      <h1>Recording</h1>
      <PageGuard permission="recording:read" what="Recordings">
        <Detail id={id} />
      </PageGuard>
    </>
  );
}
