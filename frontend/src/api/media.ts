// Recording media: the stream and file URLs, and the short-lived ticket URLs
// the console hands to <audio src> and download links (the API takes the
// bearer only as a header, which a media element cannot send).

import { API_BASE, api } from "./client";
import { recordingFilename } from "./recordings";
import type { Recording } from "./recordings";
import type { DataOf } from "./schema.gen";

const enc = encodeURIComponent;

/** URL of a recording's audio stream (HTTP Range, recording:playback; needs the bearer or a ticket). */
export const streamUrl = (id: string) => `${API_BASE}/recordings/${enc(id)}/stream`;
/** URL of a recording's file, or of one chunk (recording:download; needs the bearer or a ticket). */
export const fileUrl = (id: string, chunk?: number) =>
  `${API_BASE}/recordings/${enc(id)}/file${chunk === undefined ? "" : `?chunk=${chunk}`}`;

/**
 * A short-lived media URL: `url` carries a ticket that stands for the bearer
 * on exactly one recording's stream (or file) until `expiresAt`, so an
 * <audio> element or a download link can use it directly (the browser then
 * streams with Range requests). The server re-checks the permission on each use.
 */
export type MediaUrl = DataOf<"recordings.stream.url">;

/** A fresh playback URL for <audio src> (recording:playback). */
export const fetchPlaybackUrl = (id: string, chunk?: number) =>
  api.post<MediaUrl>(`/recordings/${enc(id)}/playback`, undefined, chunk === undefined ? {} : { query: { chunk } });
/** A fresh download URL for the file or one chunk (recording:download). */
export const fetchDownloadUrl = (id: string, chunk?: number) =>
  api.post<DataOf<"recordings.download.url">>(
    `/recordings/${enc(id)}/download`,
    undefined,
    chunk === undefined ? {} : { query: { chunk } },
  );

/** How long before `expiresAt` a media URL is replaced by a fresh one. */
export const MEDIA_REFRESH_MARGIN_MS = 60_000;

/**
 * Milliseconds until a media URL expiring at `expiresAt` should be refreshed
 * (`margin` before it expires, never negative; 0 for an unreadable time).
 */
export function mediaRefreshDelay(expiresAt: string, now: number = Date.now(), margin = MEDIA_REFRESH_MARGIN_MS): number {
  const t = Date.parse(expiresAt);
  if (Number.isNaN(t)) return 0;
  return Math.max(0, t - margin - now);
}

/** Starts a browser download of `href` (a ticket URL) through an <a download>. */
export function clickDownload(href: string, filename: string): void {
  const a = document.createElement("a");
  a.href = href;
  a.download = filename;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Downloads a recording (or one chunk) through a fresh ticket URL; no Blob in memory. */
export async function downloadRecording(
  r: Pick<Recording, "id" | "name" | "codec">,
  chunk?: number,
): Promise<void> {
  const { url } = await fetchDownloadUrl(r.id, chunk);
  clickDownload(url, recordingFilename(r, chunk));
}
