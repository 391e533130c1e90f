// The "Record" button and its dialog: node → interface → channels, mode,
// profile and naming. Hidden from callers without recording:create; the
// server still decides and its message is shown as is.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useState } from "react";
import type { FormEvent } from "react";
import { listNodes } from "../api/fleet";
import type { Node } from "../api/fleet";
import { CHANNEL_MODES, defaultChannelMode, listProfiles, listTemplates, parseTags, startRecording } from "../api/recordings";
import type { StartRecordingRequest, StartRecordingResult } from "../api/recordings";
import { Guard, useCan } from "../auth/Guard";
import { SubmitRow } from "../components/form";
import { Dialog, ErrorNotice, SelectField, TextField } from "../components/ui";
import { formatDateTime } from "../format/datetime";

/** A default name: "<node> 2026-11-27 14:03". */
export function defaultRecordingName(node: Pick<Node, "alias" | "hostname" | "id"> | undefined, now = new Date()): string {
  const who = node ? node.alias || node.hostname || node.id : "Recording";
  return `${who} ${formatDateTime(now).slice(0, 16)}`;
}

/** Builds the POST /recordings body from the dialog's fields. */
export function buildStartRequest(f: {
  nodeId: string;
  interfaceId: string;
  channels: readonly number[];
  channelMode: string;
  profileId: string;
  name: string;
  folder: string;
  tags: string;
  durationMinutes: string;
  templateId?: string;
}): StartRecordingRequest {
  const body: StartRecordingRequest = {
    nodeId: f.nodeId,
    interfaceId: f.interfaceId,
    channels: [...f.channels].sort((a, b) => a - b),
    channelMode: f.channelMode,
    name: f.name.trim(),
  };
  if (f.profileId) body.profileId = f.profileId;
  if (f.templateId) body.channelMapTemplateId = f.templateId;
  if (f.folder.trim()) body.folder = f.folder.trim();
  const tags = parseTags(f.tags);
  if (tags.length) body.tags = tags;
  const minutes = Number(f.durationMinutes);
  if (f.durationMinutes.trim() && Number.isFinite(minutes) && minutes > 0) body.durationSeconds = Math.round(minutes * 60);
  return body;
}

function RecordForm({ onClose, onStarted }: { onClose: () => void; onStarted?: (r: StartRecordingResult) => void }) {
  const qc = useQueryClient();
  const settings = useCan("settings:read");
  const nodes = useQuery({ queryKey: ["nodes", "picker"], queryFn: ({ signal }) => listNodes({ limit: 500 }, signal) });
  const profiles = useQuery({
    queryKey: ["settings", "profiles"],
    queryFn: ({ signal }) => listProfiles(signal),
    enabled: settings.allowed,
  });
  const templates = useQuery({
    queryKey: ["settings", "templates"],
    queryFn: ({ signal }) => listTemplates(signal),
    enabled: settings.allowed,
  });
  const [templateId, setTemplateId] = useState("");
  const [nodeId, setNodeId] = useState("");
  const [interfaceId, setInterfaceId] = useState("");
  const [channels, setChannels] = useState<number[]>([]);
  const [channelMode, setChannelMode] = useState("");
  const [profileId, setProfileId] = useState("");
  const [name, setName] = useState("");
  const [folder, setFolder] = useState("");
  const [tags, setTags] = useState("");
  const [duration, setDuration] = useState("");
  const channelsId = useId();

  const node = nodes.data?.items.find((n) => n.id === nodeId);
  const ifaces = useMemo(() => (node?.interfaces ?? []).filter((i) => !i.absent), [node]);
  const iface = ifaces.find((i) => i.id === interfaceId);

  useEffect(() => {
    const first = nodes.data?.items[0];
    if (!nodeId && first) setNodeId(first.id);
  }, [nodes.data, nodeId]);
  useEffect(() => {
    if (!ifaces.some((i) => i.id === interfaceId)) setInterfaceId(ifaces[0]?.id ?? "");
  }, [ifaces, interfaceId]);
  useEffect(() => {
    const chs = iface?.channels.map((c) => c.index) ?? [];
    const pick = chs.slice(0, 2);
    setChannels(pick);
    setChannelMode(defaultChannelMode(pick.length));
  }, [iface]);
  useEffect(() => {
    if (!name && node) setName(defaultRecordingName(node));
  }, [node, name]);
  useEffect(() => {
    if (!profileId && profiles.data?.[0]) setProfileId(profiles.data[0].id);
  }, [profiles.data, profileId]);

  const start = useMutation({
    mutationFn: startRecording,
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ["recordings"] });
      void qc.invalidateQueries({ queryKey: ["jobs"] });
      onStarted?.(r);
      onClose();
    },
  });

  const toggle = (idx: number, on: boolean) => {
    const next = on ? [...new Set([...channels, idx])] : channels.filter((c) => c !== idx);
    next.sort((a, b) => a - b);
    setChannels(next);
    setChannelMode(defaultChannelMode(next.length));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate(
      buildStartRequest({
        nodeId,
        interfaceId,
        channels,
        channelMode,
        profileId,
        name,
        folder,
        tags,
        durationMinutes: duration,
        templateId,
      }),
    );
  };

  return (
    <form className="form" onSubmit={submit} aria-label="Start a recording">
      {nodes.isError ? <ErrorNotice error={nodes.error} /> : null}
      <SelectField
        label="Node"
        value={nodeId}
        onChange={(v) => {
          setNodeId(v);
          setName("");
        }}
        options={
          nodes.data?.items.length
            ? nodes.data.items.map((n): [string, string] => [n.id, `${n.alias || n.hostname || n.id} (${n.status})`])
            : [["", nodes.isPending ? "Loading…" : "No nodes"]]
        }
      />
      <SelectField
        label="Interface"
        value={interfaceId}
        onChange={setInterfaceId}
        options={
          ifaces.length
            ? ifaces.map((i): [string, string] => [i.id, `${i.alias || i.systemName} (${i.channelCount} ch)`])
            : [["", "No interfaces"]]
        }
      />
      <fieldset className="checks" aria-describedby={channelsId}>
        <legend>Channels</legend>
        {iface?.channels.map((c) => (
          <label key={c.index} className="check">
            <input type="checkbox" checked={channels.includes(c.index)} onChange={(e) => toggle(c.index, e.target.checked)} />{" "}
            {c.index}: {c.alias || c.label}
          </label>
        ))}
        <p id={channelsId} className="muted">
          {channels.length ? `${channels.length} selected` : "Select at least one channel."}
        </p>
      </fieldset>
      <SelectField label="Channel mode" value={channelMode} onChange={setChannelMode} options={CHANNEL_MODES.map((m): [string, string] => [m, m.replaceAll("_", " ")])} />
      {settings.allowed ? (
        <>
          <SelectField
            label="Profile"
            value={profileId}
            onChange={setProfileId}
            options={[
              ["", "Controller default"],
              ...(profiles.data ?? []).map((p): [string, string] => [p.id, `${p.name} (${p.codec})`]),
            ]}
          />
          {profiles.isError ? <ErrorNotice error={profiles.error} /> : null}
          {templates.data?.length ? (
            <SelectField
              label="Channel map"
              value={templateId}
              onChange={setTemplateId}
              options={[
                ["", "Assigned or none"],
                ...templates.data.map((t): [string, string] => [t.id, t.name]),
              ]}
            />
          ) : null}
        </>
      ) : (
        <TextField label="Profile ID" value={profileId} onChange={setProfileId} placeholder="controller default" />
      )}
      <TextField label="Name" value={name} onChange={setName} required />
      <TextField label="Folder" value={folder} onChange={setFolder} placeholder="e.g. council/2026" />
      <TextField label="Tags" value={tags} onChange={setTags} placeholder="comma-separated" />
      <TextField label="Stop after (minutes)" type="number" value={duration} onChange={setDuration} placeholder="until stopped" />
      <ErrorNotice error={start.error} />
      <SubmitRow
        label="Start recording"
        pendingLabel="Starting…"
        pending={start.isPending}
        disabled={!nodeId || !interfaceId || channels.length === 0}
        onCancel={onClose}
      />
    </form>
  );
}

/** "Record" and its dialog; rendered only for callers holding recording:create. */
export function RecordButton({ onStarted }: { onStarted?: (r: StartRecordingResult) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <Guard permission="recording:create">
      <button type="button" className="button button--primary" onClick={() => setOpen(true)}>
        Record
      </button>
      {open ? (
        <Dialog title="New recording" onClose={() => setOpen(false)}>
          <RecordForm onClose={() => setOpen(false)} {...(onStarted ? { onStarted } : {})} />
        </Dialog>
      ) : null}
    </Guard>
  );
}
