// The dialog that creates or edits a recording profile.

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { FormEvent } from "react";
import { CODECS, createProfile, updateProfile } from "../api/recordings";
import type { Profile, ProfileInput } from "../api/recordings";
import { SubmitRow } from "../components/form";
import { Dialog, ErrorNotice, SelectField, TextField } from "../components/ui";
import { MODE_OPTIONS, num } from "./common";

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

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div className="field field--inline">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

/** Creates (`profile` null) or edits a profile, then closes. */
export function ProfileForm({ profile, onClose }: { profile: Profile | null; onClose: () => void }) {
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
        <SubmitRow label="Save profile" pending={save.isPending} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
