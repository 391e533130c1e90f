// Settings (settings:read; changes need settings:manage): recording profiles
// and channel-map templates with their interface/node assignments.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { FormEvent } from "react";
import { listNodes } from "../api/fleet";
import {
  CHANNEL_MODES,
  CODECS,
  assignTemplate,
  createProfile,
  createTemplate,
  deleteProfile,
  deleteTemplate,
  listAssignments,
  listProfiles,
  listTemplates,
  parseTags,
  unassignTemplate,
  updateProfile,
  updateTemplate,
} from "../api/recordings";
import type { ChannelMapTemplate, MapEntry, Profile, ProfileInput, TemplateInput } from "../api/recordings";
import { useCan } from "../auth/Guard";
import { Card } from "../components/Card";
import { Dialog, ErrorNotice, PageGuard, PermButton, SelectField, TextField } from "../components/ui";
import { ConfirmDialogButton } from "../recordings/controls";

const MODE_OPTIONS = CHANNEL_MODES.map((m): [string, string] => [m, m.replaceAll("_", " ")]);

/** A new profile's defaults. */
export const NEW_PROFILE: Required<ProfileInput> = {
  name: "",
  codec: "flac",
  bitrateKbps: 0,
  vbr: false,
  bitDepth: 24,
  channelMode: "stereo",
  chunkSeconds: 60,
};

/** Numbers from a text field ("" → 0). */
const num = (v: string) => (v.trim() === "" ? 0 : Number(v));

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div className="field field--inline">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

function ProfileForm({ profile, onClose }: { profile: Profile | null; onClose: () => void }) {
  const qc = useQueryClient();
  const [v, setV] = useState<Required<ProfileInput>>(() =>
    profile
      ? {
          name: profile.name,
          codec: profile.codec,
          bitrateKbps: profile.bitrateKbps,
          vbr: profile.vbr,
          bitDepth: profile.bitDepth,
          channelMode: profile.channelMode,
          chunkSeconds: profile.chunkSeconds,
        }
      : NEW_PROFILE,
  );
  const save = useMutation({
    mutationFn: () => (profile ? updateProfile(profile.id, v) : createProfile(v)),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["settings", "profiles"] });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const set = <K extends keyof ProfileInput>(k: K) => (x: Required<ProfileInput>[K]) => setV((p) => ({ ...p, [k]: x }));
  return (
    <Dialog title={profile ? `Edit profile ${profile.name}` : "New recording profile"} onClose={onClose}>
      <form className="form" onSubmit={submit} aria-label="Recording profile">
        <TextField label="Profile name" value={v.name} onChange={set("name")} required />
        <SelectField label="Codec" value={v.codec} onChange={set("codec")} options={CODECS.map((c): [string, string] => [c, c])} />
        {v.codec === "mp3" ? (
          <>
            <TextField label="Bitrate (kbit/s)" type="number" value={String(v.bitrateKbps || "")} onChange={(x) => set("bitrateKbps")(num(x))} />
            <Check label="Variable bitrate" checked={v.vbr} onChange={set("vbr")} />
          </>
        ) : (
          <SelectField
            label="Bit depth"
            value={String(v.bitDepth)}
            onChange={(x) => set("bitDepth")(num(x))}
            options={[
              ["16", "16-bit"],
              ["24", "24-bit"],
            ]}
          />
        )}
        <SelectField label="Channel mode" value={v.channelMode} onChange={set("channelMode")} options={MODE_OPTIONS} />
        <TextField
          label="Chunk length (s)"
          type="number"
          value={String(v.chunkSeconds || "")}
          onChange={(x) => set("chunkSeconds")(num(x))}
          placeholder="empty: one file"
        />
        <ErrorNotice error={save.error} />
        <div className="row">
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save profile"}
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function Profiles() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ["settings", "profiles"], queryFn: ({ signal }) => listProfiles(signal) });
  const [editing, setEditing] = useState<Profile | "new" | null>(null);
  return (
    <Card title="Recording profiles">
      <div className="toolbar">
        <PermButton permission="settings:manage" onClick={() => setEditing("new")}>
          New profile
        </PermButton>
      </div>
      {q.isError ? (
        <ErrorNotice error={q.error} />
      ) : q.isPending ? (
        <p className="muted">Loading…</p>
      ) : q.data.length === 0 ? (
        <p className="muted">No profiles.</p>
      ) : (
        <table className="table" aria-label="Recording profiles">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Codec</th>
              <th scope="col">Quality</th>
              <th scope="col">Channel mode</th>
              <th scope="col">Chunk</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {q.data.map((p) => (
              <tr key={p.id}>
                <td>
                  {p.name} {p.builtin ? <span className="tag">built-in</span> : null}
                </td>
                <td>{p.codec}</td>
                <td>{p.codec === "mp3" ? `${p.bitrateKbps} kbit/s${p.vbr ? " VBR" : ""}` : `${p.bitDepth}-bit`}</td>
                <td>{p.channelMode.replaceAll("_", " ")}</td>
                <td>{p.chunkSeconds} s</td>
                <td>
                  {p.builtin ? (
                    <span className="muted">read-only</span>
                  ) : (
                    <>
                      <PermButton
                        permission="settings:manage"
                        className="button button--small"
                        aria-label={`Edit profile ${p.name}`}
                        onClick={() => setEditing(p)}
                      >
                        Edit
                      </PermButton>{" "}
                      <ConfirmDialogButton
                        permission="settings:manage"
                        label="Delete"
                        ariaLabel={`Delete profile ${p.name}`}
                        title="Delete profile"
                        question={<p>Delete the profile {p.name}?</p>}
                        confirmLabel="Delete"
                        danger
                        small
                        action={() => deleteProfile(p.id)}
                        onDone={() => void qc.invalidateQueries({ queryKey: ["settings", "profiles"] })}
                      />
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing ? <ProfileForm profile={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
    </Card>
  );
}

/** An entry with every field set, for the editor. */
export type EditableEntry = Required<MapEntry>;

/** A stored entry for the editor (absent output: the source's position; absent label: none). */
export function editable(e: MapEntry): EditableEntry {
  return {
    sourceChannelIndex: e.sourceChannelIndex,
    outputChannelIndex: e.outputChannelIndex || e.sourceChannelIndex,
    label: e.label ?? "",
    included: e.included,
  };
}

/** Default entries for `count` channels: 1→1, 2→2 … all included. */
export function identityEntries(count: number): EditableEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    sourceChannelIndex: i + 1,
    outputChannelIndex: i + 1,
    label: `Ch ${i + 1}`,
    included: true,
  }));
}

function TemplateForm({ template, onClose }: { template: ChannelMapTemplate | null; onClose: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(template?.name ?? "");
  const [mode, setMode] = useState(template?.channelMode ?? "stereo");
  const [tags, setTags] = useState((template?.tags ?? []).join(", "));
  const [entries, setEntries] = useState<EditableEntry[]>(() => template?.entries.map(editable) ?? identityEntries(2));
  const save = useMutation({
    mutationFn: () => {
      const body: TemplateInput = { name: name.trim(), channelMode: mode, tags: parseTags(tags), entries };
      return template ? updateTemplate(template.id, body) : createTemplate(body);
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["settings", "templates"] });
      onClose();
    },
  });
  const setEntry = (i: number, patch: Partial<EditableEntry>) =>
    setEntries((es) => es.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Dialog title={template ? `Edit template ${template.name}` : "New channel-map template"} onClose={onClose}>
      <form className="form" onSubmit={submit} aria-label="Channel-map template">
        <TextField label="Template name" value={name} onChange={setName} required />
        <SelectField label="Channel mode" value={mode} onChange={setMode} options={MODE_OPTIONS} />
        <TextField label="Tags" value={tags} onChange={setTags} placeholder="comma-separated" />
        <table className="table" aria-label="Entries">
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Output</th>
              <th scope="col">Label</th>
              <th scope="col">Included</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e, i) => (
              <tr key={i}>
                <td>
                  <input
                    type="number"
                    min={1}
                    aria-label={`Entry ${i + 1} source channel`}
                    value={e.sourceChannelIndex}
                    onChange={(ev) => setEntry(i, { sourceChannelIndex: num(ev.target.value) })}
                    className="input--narrow"
                  />
                </td>
                <td>
                  <input
                    type="number"
                    min={1}
                    aria-label={`Entry ${i + 1} output channel`}
                    value={e.outputChannelIndex}
                    onChange={(ev) => setEntry(i, { outputChannelIndex: num(ev.target.value) })}
                    className="input--narrow"
                  />
                </td>
                <td>
                  <input aria-label={`Entry ${i + 1} label`} value={e.label} onChange={(ev) => setEntry(i, { label: ev.target.value })} />
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Entry ${i + 1} included`}
                    checked={e.included}
                    onChange={(ev) => setEntry(i, { included: ev.target.checked })}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="button button--small"
                    aria-label={`Remove entry ${i + 1}`}
                    onClick={() => setEntries((es) => es.filter((_, j) => j !== i))}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row">
          <button
            type="button"
            className="button"
            onClick={() =>
              setEntries((es) => {
                const n = es.reduce((m, e) => Math.max(m, e.sourceChannelIndex, e.outputChannelIndex), 0) + 1;
                return [...es, { sourceChannelIndex: n, outputChannelIndex: n, label: `Ch ${n}`, included: true }];
              })
            }
          >
            Add entry
          </button>
        </div>
        <ErrorNotice error={save.error} />
        <div className="row">
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save template"}
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function AssignForm({ templates }: { templates: readonly ChannelMapTemplate[] }) {
  const qc = useQueryClient();
  const nodes = useQuery({ queryKey: ["nodes", "picker"], queryFn: ({ signal }) => listNodes({ limit: 500 }, signal) });
  const [targetType, setTargetType] = useState("interface");
  const [targetId, setTargetId] = useState("");
  const [templateId, setTemplateId] = useState("");
  const targets: [string, string][] =
    targetType === "node"
      ? (nodes.data?.items ?? []).map((n) => [n.id, n.alias || n.hostname || n.id])
      : (nodes.data?.items ?? []).flatMap((n) =>
          n.interfaces.map((i): [string, string] => [i.id, `${n.alias || n.id} / ${i.alias || i.systemName}`]),
        );
  const assign = useMutation({
    mutationFn: () => assignTemplate({ targetType, targetId, templateId }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["settings", "assignments"] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    assign.mutate();
  };
  return (
    <form className="toolbar" onSubmit={submit} aria-label="Assign a template">
      <SelectField
        label="Assign to"
        value={targetType}
        onChange={(v) => {
          setTargetType(v);
          setTargetId("");
        }}
        options={[
          ["interface", "Interface"],
          ["node", "Node"],
        ]}
      />
      <SelectField label="Target" value={targetId} onChange={setTargetId} options={[["", "Choose…"], ...targets]} />
      <SelectField
        label="Template"
        value={templateId}
        onChange={setTemplateId}
        options={[["", "Choose…"], ...templates.map((t): [string, string] => [t.id, t.name])]}
      />
      <PermButton permission="settings:manage" type="submit" disabled={!targetId || !templateId || assign.isPending}>
        Assign
      </PermButton>
      {nodes.isError ? <ErrorNotice error={nodes.error} /> : null}
      <ErrorNotice error={assign.error} />
    </form>
  );
}

function Templates() {
  const qc = useQueryClient();
  const manage = useCan("settings:manage");
  const nodeRead = useCan("node:read");
  const templates = useQuery({ queryKey: ["settings", "templates"], queryFn: ({ signal }) => listTemplates(signal) });
  const assignments = useQuery({ queryKey: ["settings", "assignments"], queryFn: ({ signal }) => listAssignments(signal) });
  const [editing, setEditing] = useState<ChannelMapTemplate | "new" | null>(null);
  const unassign = useMutation({
    mutationFn: (a: { targetType: string; targetId: string }) => unassignTemplate(a.targetType, a.targetId),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["settings", "assignments"] }),
  });
  const nameOf = (id: string) => templates.data?.find((t) => t.id === id)?.name ?? id;
  return (
    <Card title="Channel-map templates">
      <div className="toolbar">
        <PermButton permission="settings:manage" onClick={() => setEditing("new")}>
          New template
        </PermButton>
      </div>
      {templates.isError ? (
        <ErrorNotice error={templates.error} />
      ) : templates.isPending ? (
        <p className="muted">Loading…</p>
      ) : templates.data.length === 0 ? (
        <p className="muted">No templates.</p>
      ) : (
        <table className="table" aria-label="Channel-map templates">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Mode</th>
              <th scope="col">Entries</th>
              <th scope="col">Revision</th>
              <th scope="col">Tags</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {templates.data.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{t.channelMode.replaceAll("_", " ")}</td>
                <td>
                  {t.entries
                    .filter((e) => e.included)
                    .map((e) => `${e.sourceChannelIndex}→${e.outputChannelIndex || "next"}${e.label ? ` ${e.label}` : ""}`)
                    .join(", ") || "—"}
                </td>
                <td className="num">{t.revision}</td>
                <td>{t.tags?.join(", ") || "—"}</td>
                <td>
                  <PermButton
                    permission="settings:manage"
                    className="button button--small"
                    aria-label={`Edit template ${t.name}`}
                    onClick={() => setEditing(t)}
                  >
                    Edit
                  </PermButton>{" "}
                  <ConfirmDialogButton
                    permission="settings:manage"
                    label="Delete"
                    ariaLabel={`Delete template ${t.name}`}
                    title="Delete template"
                    question={<p>Delete the template {t.name}?</p>}
                    confirmLabel="Delete"
                    danger
                    small
                    action={() => deleteTemplate(t.id)}
                    onDone={() => void qc.invalidateQueries({ queryKey: ["settings"] })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Assignments</h3>
      {assignments.isError ? (
        <ErrorNotice error={assignments.error} />
      ) : assignments.data?.length ? (
        <table className="table" aria-label="Assignments">
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col">Template</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {assignments.data.map((a) => (
              <tr key={`${a.targetType}:${a.targetId}`}>
                <td>
                  {a.targetType} <code>{a.targetId}</code>
                </td>
                <td>{nameOf(a.templateId)}</td>
                <td>
                  <PermButton
                    permission="settings:manage"
                    className="button button--small"
                    disabled={unassign.isPending}
                    onClick={() => unassign.mutate({ targetType: a.targetType, targetId: a.targetId })}
                  >
                    Unassign
                  </PermButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{assignments.isPending ? "Loading…" : "No template is assigned."}</p>
      )}
      <ErrorNotice error={unassign.error} />
      {manage.allowed && nodeRead.allowed ? <AssignForm templates={templates.data ?? []} /> : null}
      {!manage.allowed ? <p className="muted">{manage.reason}</p> : null}
      {editing ? <TemplateForm template={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
    </Card>
  );
}

function SettingsBody() {
  const manage = useCan("settings:manage");
  return (
    <>
      {!manage.allowed ? (
        <p className="notice notice--info" role="status">
          You can view the settings. {manage.reason}
        </p>
      ) : null}
      <Profiles />
      <Templates />
    </>
  );
}

/** Settings: recording profiles and channel maps. */
export function SettingsPage() {
  return (
    <>
      <h1>Settings</h1>
      <PageGuard permission="settings:read" what="Settings">
        <SettingsBody />
      </PageGuard>
    </>
  );
}
