// Typed calls for recordings, capture jobs, recording profiles and
// channel-map templates. The wire types come from schema.gen.ts (generated
// from openapi.json by `make api-types`), so a change in the controller's
// document shows up here as a type error.

import { api } from "./client";
import { exportHref } from "./fleet";
import type { ListMeta, Page } from "./fleet";
import type {
  ChannelMapAssignmentResponse,
  ChannelMapEntryBody,
  ChannelMapTemplateRequest,
  ChannelMapTemplateResponse,
  ChunkView,
  DataOf,
  JobView,
  LibraryBulkMetadataRequest,
  LibraryFacet,
  LibraryFacetsResponse,
  LibraryMetadataRequest,
  LibraryRecordingDetail,
  RecordingCreateRequest,
  RecordingProfileRequest,
  RecordingProfileResponse,
  RecordingView,
  WaveformView,
} from "./schema.gen";

// --- wire types --------------------------------------------------------------

export const RECORDING_STATUSES = ["queued", "recording", "completed", "failed", "cached", "uploaded", "partial"] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

/** Statuses after which a recording no longer changes (delete and discard are allowed). */
export const TERMINAL_STATUSES: readonly string[] = ["completed", "failed", "cached", "uploaded", "partial"];
/** Statuses of a recording that is still capturing or waiting to. */
export const ACTIVE_STATUSES: readonly string[] = ["queued", "recording"];

export const CHANNEL_MODES = ["mono", "stereo", "mono_to_stereo_mix", "multichannel"] as const;
export type ChannelMode = (typeof CHANNEL_MODES)[number];

export const CODECS = ["wav", "flac", "mp3"] as const;

export const JOB_STATUSES = ["queued", "running", "stop_requested", "completed", "failed", "cancelled"] as const;
/** Job statuses in which a job can still be stopped. */
export const LIVE_JOB_STATUSES: readonly string[] = ["queued", "running"];
/** Job statuses from which a job can be retried. */
export const RETRYABLE_JOB_STATUSES: readonly string[] = ["failed", "cancelled"];

/** A recording's peak preview (0..1, at most 256 peaks). */
export type Waveform = WaveformView;

/** One recording; `waveform` is null until the first chunk is analysed. */
export type Recording = Omit<RecordingView, "waveform"> & { waveform?: WaveformView | null | undefined };

/** One capture job. */
export type Job = JobView;

/** A chunk stored on the controller. */
export type Chunk = ChunkView;

/** GET /recordings/:id: the recording with its jobs (newest first) and stored chunks. */
export type RecordingDetail = Recording & Pick<LibraryRecordingDetail, "jobs" | "jobTotal" | "chunks">;

export type FacetValue = LibraryFacet;
export type RecordingFacets = LibraryFacetsResponse;

/** Body of POST /recordings: the capture fields are required, naming and the rest optional. */
export type StartRecordingRequest = Pick<RecordingCreateRequest, "nodeId" | "interfaceId" | "channels" | "channelMode" | "name"> &
  Partial<Omit<RecordingCreateRequest, "nodeId" | "interfaceId" | "channels" | "channelMode" | "name">>;

/** `data` of POST /recordings: the recording and its capture job. */
export type StartRecordingResult = DataOf<"recordings.create">;

export type MetadataRequest = LibraryMetadataRequest;

export type Profile = RecordingProfileResponse;
export type ProfileInput = RecordingProfileRequest;

export type MapEntry = ChannelMapEntryBody;
export type ChannelMapTemplate = ChannelMapTemplateResponse;
export type TemplateInput = ChannelMapTemplateRequest;
export type Assignment = ChannelMapAssignmentResponse;

// --- query building ----------------------------------------------------------

/** The library's filters as the page keeps them (strings; "" = any). */
export interface RecordingFilters {
  status: string;
  nodeId: string;
  roomId: string;
  folder: string;
  tag: string;
  q: string;
  /** `datetime-local`-format values ("YYYY-MM-DDTHH:MM", as DateTimeFilter emits) in the browser's zone. */
  from: string;
  to: string;
  sort: string;
}

export const EMPTY_FILTERS: RecordingFilters = {
  status: "",
  nodeId: "",
  roomId: "",
  folder: "",
  tag: "",
  q: "",
  from: "",
  to: "",
  sort: "-createdAt",
};

type Query = Record<string, string | number | undefined>;

/** A `datetime-local` value (browser zone) as RFC 3339 UTC, or "" when empty/invalid. */
export function localToRfc3339(local: string): string {
  if (!local) return "";
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

/**
 * The query of GET /recordings (and /export, /facets) for the filters: empty
 * values are left out, dates become RFC 3339, the text is trimmed and the
 * default sort is not sent.
 */
export function recordingQuery(f: Partial<RecordingFilters>, page?: { limit: number; offset: number }): Query {
  const out: Query = {};
  const put = (k: string, v: string | undefined) => {
    const t = v?.trim();
    if (t) out[k] = t;
  };
  put("status", f.status);
  put("nodeId", f.nodeId);
  put("roomId", f.roomId);
  put("folder", f.folder);
  put("tag", f.tag);
  put("q", f.q);
  put("from", localToRfc3339(f.from ?? ""));
  put("to", localToRfc3339(f.to ?? ""));
  if (f.sort && f.sort !== "-createdAt") out.sort = f.sort;
  if (page) {
    out.limit = page.limit;
    out.offset = page.offset;
  }
  return out;
}

/** The filters only (no paging or sort), for facets. */
export function facetQuery(f: Partial<RecordingFilters>): Query {
  const q = recordingQuery(f);
  delete q.sort;
  return q;
}

/** "folder/a, b , ,c" → ["a","b","c"]: comma-separated tags, trimmed, unique, no empties. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((t) => t.trim()).filter(Boolean))];
}

/** True when a recording in `status` may be deleted (terminal). */
export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** The channel mode to propose for a number of selected channels. */
export function defaultChannelMode(count: number): ChannelMode {
  if (count <= 1) return "mono";
  if (count === 2) return "stereo";
  return "multichannel";
}

// --- calls -------------------------------------------------------------------

const sig = (signal?: AbortSignal) => (signal ? { signal } : {});
const enc = encodeURIComponent;

async function list<T>(path: string, query: Query, signal?: AbortSignal): Promise<Page<T>> {
  const env = await api.envelope<T[]>(path, { query, ...sig(signal) });
  const data = env.data ?? [];
  const meta = (env.meta ?? {}) as Partial<ListMeta>;
  return {
    items: data,
    meta: {
      total: meta.total ?? data.length,
      returned: meta.returned ?? data.length,
      offset: meta.offset ?? 0,
      limit: meta.limit ?? data.length,
      hasNextPage: meta.hasNextPage ?? false,
      hasPreviousPage: meta.hasPreviousPage ?? false,
    },
  };
}

export const listRecordings = (query: Query, signal?: AbortSignal) => list<Recording>("/recordings", query, signal);
export const fetchFacets = (query: Query, signal?: AbortSignal) =>
  api.get<RecordingFacets>("/recordings/facets", { query, ...sig(signal) });
export const fetchRecording = (id: string, signal?: AbortSignal) =>
  api.get<RecordingDetail>(`/recordings/${enc(id)}`, sig(signal));
export const startRecording = (body: StartRecordingRequest) =>
  api.post<StartRecordingResult>("/recordings", body);
export const stopRecording = (id: string) => api.post<DataOf<"recordings.stop">>(`/recordings/${enc(id)}/stop`, {});
export const discardRecording = (id: string) =>
  api.post<DataOf<"recordings.discard">>(`/recordings/${enc(id)}/discard`, {});
export const updateMetadata = (id: string, body: MetadataRequest) =>
  api.request<DataOf<"recordings.metadata.update">>(`/recordings/${enc(id)}/metadata`, { method: "PATCH", body });
/** Body of PATCH /recordings/bulk-metadata: move to a folder and/or add and remove tags. */
export type BulkMetadataRequest = LibraryBulkMetadataRequest;

export const bulkMetadata = (body: BulkMetadataRequest) =>
  api.request<DataOf<"recordings.metadata.bulkUpdate">>("/recordings/bulk-metadata", { method: "PATCH", body });
export const deleteRecording = (id: string) =>
  api.request<DataOf<"recordings.delete">>(`/recordings/${enc(id)}`, { method: "DELETE" });
export const bulkDelete = (ids: string[]) => api.post<DataOf<"recordings.bulkDelete">>("/recordings/bulk-delete", { ids });

/** The export link for the current filters (the button fetches it with the bearer). */
export const recordingsExportHref = (f: Partial<RecordingFilters>) => exportHref("/recordings/export", recordingQuery(f));

export const listJobs = (query: Query, signal?: AbortSignal) => list<Job>("/recording-jobs", query, signal);
export const retryJob = (id: string) => api.post<DataOf<"recordings.jobs.retry">>(`/recording-jobs/${enc(id)}/retry`, {});
export const stopJob = (id: string) => api.post<DataOf<"recordings.jobs.stop">>(`/recording-jobs/${enc(id)}/stop`, {});

/** Lists tolerate a bare array or a {data, meta} list. */
async function all<T>(path: string, signal?: AbortSignal): Promise<T[]> {
  const data = await api.get<T[] | { items?: T[] } | null>(path, sig(signal));
  if (Array.isArray(data)) return data;
  return data?.items ?? [];
}

export const listProfiles = (signal?: AbortSignal) => all<Profile>("/settings/recording-profiles", signal);
export const createProfile = (body: ProfileInput) => api.post<Profile>("/settings/recording-profiles", body);
export const updateProfile = (id: string, body: ProfileInput) =>
  api.request<Profile>(`/settings/recording-profiles/${enc(id)}`, { method: "PUT", body });
export const deleteProfile = (id: string) =>
  api.request<unknown>(`/settings/recording-profiles/${enc(id)}`, { method: "DELETE" });

export const listTemplates = (signal?: AbortSignal) => all<ChannelMapTemplate>("/settings/channel-map-templates", signal);
export const createTemplate = (body: TemplateInput) =>
  api.post<ChannelMapTemplate>("/settings/channel-map-templates", body);
export const updateTemplate = (id: string, body: TemplateInput) =>
  api.request<ChannelMapTemplate>(`/settings/channel-map-templates/${enc(id)}`, { method: "PUT", body });
export const deleteTemplate = (id: string) =>
  api.request<unknown>(`/settings/channel-map-templates/${enc(id)}`, { method: "DELETE" });
export const listAssignments = (signal?: AbortSignal) => all<Assignment>("/settings/channel-map-assignments", signal);
export const assignTemplate = (body: { targetType: string; targetId: string; templateId: string }) =>
  api.request<Assignment>("/settings/channel-map-assignments", { method: "PUT", body });
export const unassignTemplate = (targetType: string, targetId: string) =>
  api.request<unknown>("/settings/channel-map-assignments", { method: "DELETE", query: { targetType, targetId } });

/** The filename of a Content-Disposition header (filename* wins), or null. */
export function filenameOf(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
  return plain?.[1]?.trim() || null;
}

/** A safe default filename for a recording. */
export function recordingFilename(r: Pick<Recording, "name" | "id" | "codec">, chunk?: number): string {
  const base = (r.name || r.id).replace(/[^\w.-]+/g, "_").replace(/^_+|_+$/g, "") || r.id;
  return `${base}${chunk === undefined ? "" : `.chunk${chunk}`}.${r.codec || "wav"}`;
}
