// Recording controls shared by the dashboard and the recordings pages: a
// confirm-in-a-dialog button, Stop, download and the authorized player.

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { ReactNode } from "react";
import {
  downloadAuthorized,
  fetchAuthorizedBlob,
  fileUrl,
  recordingFilename,
  stopRecording,
  streamUrl,
} from "../api/recordings";
import type { Recording } from "../api/recordings";
import { useCan } from "../auth/Guard";
import type { Permission } from "../auth/permissions";
import { Dialog, ErrorNotice, PermButton } from "../components/ui";

/** A permission-aware button that asks in a modal dialog before running `action`. */
export function ConfirmDialogButton({
  permission,
  label,
  title,
  question,
  confirmLabel = "Confirm",
  action,
  onDone,
  danger,
  small,
  ariaLabel,
  disabled,
  disabledReason,
}: {
  permission: Permission;
  label: string;
  title: string;
  question: ReactNode;
  confirmLabel?: string;
  action: () => Promise<unknown>;
  onDone?: () => void;
  danger?: boolean;
  small?: boolean;
  ariaLabel?: string;
  disabled?: boolean;
  /** Shown as the title when `disabled` (the permission's reason wins). */
  disabledReason?: string;
}) {
  const [open, setOpen] = useState(false);
  const m = useMutation({
    mutationFn: action,
    onSuccess: () => {
      setOpen(false);
      onDone?.();
    },
  });
  return (
    <>
      <PermButton
        permission={permission}
        className={`button${small ? " button--small" : ""}${danger ? " button--danger" : ""}`}
        onClick={() => {
          m.reset();
          setOpen(true);
        }}
        disabled={disabled || m.isPending}
        title={disabled ? disabledReason : undefined}
        aria-label={ariaLabel}
      >
        {label}
      </PermButton>
      {open ? (
        <Dialog title={title} onClose={() => setOpen(false)}>
          <div className="form">
            <div>{question}</div>
            <ErrorNotice error={m.error} />
            <div className="row">
              <button
                type="button"
                className={`button ${danger ? "button--danger" : "button--primary"}`}
                onClick={() => m.mutate()}
                disabled={m.isPending}
              >
                {m.isPending ? "Working…" : confirmLabel}
              </button>
              <button type="button" className="button" onClick={() => setOpen(false)}>
                Cancel
              </button>
            </div>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}

/** Stop an active recording (recording:control), after confirmation. */
export function StopRecordingButton({ recording, small }: { recording: Pick<Recording, "id" | "name">; small?: boolean }) {
  const qc = useQueryClient();
  return (
    <ConfirmDialogButton
      permission="recording:control"
      label="Stop"
      ariaLabel={`Stop ${recording.name || recording.id}`}
      title="Stop recording"
      question={
        <p>
          Stop <strong>{recording.name || recording.id}</strong>? The agent finishes the current chunk and uploads what
          it captured.
        </p>
      }
      confirmLabel="Stop recording"
      danger
      small={small ?? false}
      action={() => stopRecording(recording.id)}
      onDone={() => {
        void qc.invalidateQueries({ queryKey: ["recordings"] });
        void qc.invalidateQueries({ queryKey: ["jobs"] });
      }}
    />
  );
}

/** Downloads the recording (or one chunk) with the bearer (recording:download). */
export function DownloadButton({
  recording,
  chunk,
  small,
  label,
}: {
  recording: Pick<Recording, "id" | "name" | "codec">;
  chunk?: number;
  small?: boolean;
  label?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <PermButton
        permission="recording:download"
        className={`button${small ? " button--small" : ""}`}
        disabled={busy}
        data-href={fileUrl(recording.id, chunk)}
        aria-label={chunk === undefined ? undefined : `Download chunk ${chunk}`}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await downloadAuthorized(fileUrl(recording.id, chunk), recordingFilename(recording, chunk));
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? "Downloading…" : (label ?? "Download")}
      </PermButton>
      <ErrorNotice error={error} />
    </>
  );
}

/** Above this size the player is not loaded into memory (download instead). */
export const MAX_PLAYABLE_BYTES = 512 * 1024 * 1024;

/**
 * An <audio> player for a recording. The API takes the bearer only as a
 * header, so the element cannot stream from /stream directly: the stream is
 * fetched with the bearer into a Blob and played from an object URL. That
 * loads the whole file first (no seeking before it arrives), which is fine for
 * the files the console plays; very large files are offered as downloads.
 */
export function RecordingPlayer({
  recording,
  onProgress,
}: {
  recording: Pick<Recording, "id" | "name" | "sizeBytes">;
  onProgress?: (fraction: number) => void;
}) {
  const playback = useCan("recording:playback");
  const [src, setSrc] = useState<string | null>(null);
  const [state, setState] = useState<"idle" | "loading" | "ready" | "error">("idle");
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);
  const tooLarge = recording.sizeBytes > MAX_PLAYABLE_BYTES;

  useEffect(
    () => () => {
      abort.current?.abort();
    },
    [],
  );
  useEffect(
    () => () => {
      if (src) URL.revokeObjectURL(src);
    },
    [src],
  );

  const load = async () => {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setState("loading");
    setError(null);
    try {
      const { blob } = await fetchAuthorizedBlob(streamUrl(recording.id), ctl.signal);
      setSrc(URL.createObjectURL(blob));
      setState("ready");
    } catch (err) {
      if (ctl.signal.aborted) return;
      setError(err);
      setState("error");
    }
  };

  if (!playback.allowed) return <p className="muted">{playback.reason}</p>;
  if (tooLarge)
    return <p className="muted">This recording is too large to play in the browser; download it instead.</p>;
  return (
    <div className="player">
      {state !== "ready" ? (
        <button type="button" className="button" onClick={() => void load()} disabled={state === "loading"}>
          {state === "loading" ? "Loading audio…" : "Load player"}
        </button>
      ) : null}
      {src ? (
        <audio
          controls
          src={src}
          aria-label={`Play ${recording.name || recording.id}`}
          data-stream={streamUrl(recording.id)}
          onTimeUpdate={(e) => {
            const a = e.currentTarget;
            if (onProgress && a.duration > 0) onProgress(a.currentTime / a.duration);
          }}
        />
      ) : null}
      <ErrorNotice error={error} />
    </div>
  );
}
