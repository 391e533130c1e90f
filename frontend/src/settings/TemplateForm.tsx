// The dialog that creates or edits a channel-map template.

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { FormEvent } from "react";
import { createTemplate, parseTags, updateTemplate } from "../api/recordings";
import type { ChannelMapTemplate, TemplateInput } from "../api/recordings";
import { SubmitRow } from "../components/form";
import { Dialog, ErrorNotice, SelectField, TextField } from "../components/ui";
import { MODE_OPTIONS } from "./common";
import { EntriesEditor, editable, identityEntries } from "./EntriesEditor";
import type { EditableEntry } from "./EntriesEditor";

/** Creates (`template` null) or edits a template, then closes. */
export function TemplateForm({ template, onClose }: { template: ChannelMapTemplate | null; onClose: () => void }) {
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
        <EntriesEditor entries={entries} setEntries={setEntries} />
        <ErrorNotice error={save.error} />
        <SubmitRow label="Save template" pending={save.isPending} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
