// Recording controls shared by the dashboard and the recordings pages: a
// confirm-in-a-dialog button, Stop, download and the streaming player.

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useLayoutEffect, useRef, useState } from "react";
import type { ReactNode } from "react";
import { downloadRecording, fileUrl, mediaRefreshDelay, streamUrl } from "../api/media";
import { stopRecording } from "../api/recordings";
import type { Recording } from "../api/recordings";
import { useCan } from "../auth/Guard";
import type { Permission } from "../auth/permissions";
import { Dialog, ErrorNotice, PermButton } from "../components/ui";
import { usePlaybackUrl } from "./useMediaUrl";

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

/** Downloads the recording (or one chunk) through a short-lived URL (recording:download). */
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
            await downloadRecording(recording, chunk);
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

/**
 * An <audio> player for a recording. It streams from a short-lived ticket
 * URL (fetched when it mounts and refreshed before it expires), so the
 * browser loads only the metadata first and seeks at once with HTTP Range
 * requests, whatever the file's size. When the URL is replaced the position
 * (and playing state) carries over.
 */
export function RecordingPlayer({
  recording,
  onProgress,
}: {
  recording: Pick<Recording, "id" | "name" | "sizeBytes">;
  onProgress?: (fraction: number) => void;
}) {
  const playback = useCan("recording:playback");
  const media = usePlaybackUrl(playback.allowed ? recording.id : null);
  const url = media.data?.url;
  const last = useRef({ time: 0, playing: false });
  const restore = useRef<{ time: number; playing: boolean } | null>(null);
  const shown = useRef<string | undefined>(undefined);
  const [mediaError, setMediaError] = useState<string | null>(null);

  // Runs in the commit that swaps src, before the element's load events.
  useLayoutEffect(() => {
    if (shown.current && url && url !== shown.current && last.current.time > 0) restore.current = { ...last.current };
    shown.current = url;
  }, [url]);

  if (!playback.allowed) return <p className="muted">{playback.reason}</p>;
  return (
    <div className="player">
      {media.isPending ? (
        <p className="muted" role="status">
          Loading player…
        </p>
      ) : null}
      {url ? (
        <audio
          controls
          preload="metadata"
          src={url}
          aria-label={`Play ${recording.name || recording.id}`}
          data-stream={streamUrl(recording.id)}
          onLoadedMetadata={(e) => {
            const r = restore.current;
            restore.current = null;
            setMediaError(null);
            if (!r) return;
            const a = e.currentTarget;
            a.currentTime = r.time;
            if (r.playing) void a.play().catch(() => undefined);
          }}
          onTimeUpdate={(e) => {
            const a = e.currentTarget;
            last.current = { time: a.currentTime, playing: !a.paused };
            if (onProgress && a.duration > 0) onProgress(a.currentTime / a.duration);
          }}
          onPause={(e) => {
            last.current = { time: e.currentTarget.currentTime, playing: false };
          }}
          onError={() => {
            // An expired URL (a laptop waking up): fetch a fresh one.
            if (media.data && mediaRefreshDelay(media.data.expiresAt) === 0 && !media.isFetching) void media.refetch();
            else setMediaError("The audio could not be loaded.");
          }}
        />
      ) : null}
      <ErrorNotice error={media.error ?? (mediaError ? new Error(mediaError) : null)} />
    </div>
  );
}
