// The "Recording profiles" card: the list (built-ins read-only) with New,
// Edit and Delete for settings:manage.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { deleteProfile, listProfiles } from "../api/recordings";
import type { Profile } from "../api/recordings";
import { Card } from "../components/Card";
import { QueryList, TableHead } from "../components/table";
import { PermButton } from "../components/ui";
import { EditDeleteButtons, modeLabel } from "./common";
import { ProfileForm } from "./ProfileForm";

/** "192 kbit/s VBR" for MP3, "24-bit" otherwise. */
const quality = (p: Profile) => (p.codec === "mp3" ? `${p.bitrateKbps} kbit/s${p.vbr ? " VBR" : ""}` : `${p.bitDepth}-bit`);

/** The recording profiles card. */
export function ProfilesSection() {
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
      <QueryList query={q} items={q.data} empty="No profiles.">
        {(profiles) => (
          <table className="table" aria-label="Recording profiles">
            <TableHead columns={["Name", "Codec", "Quality", "Channel mode", "Chunk"]} hidden="Actions" />
            <tbody>
              {profiles.map((p) => (
                <tr key={p.id}>
                  <td>
                    {p.name} {p.builtin ? <span className="tag">built-in</span> : null}
                  </td>
                  <td>{p.codec}</td>
                  <td>{quality(p)}</td>
                  <td>{modeLabel(p.channelMode)}</td>
                  <td>{p.chunkSeconds} s</td>
                  <td>
                    {p.builtin ? (
                      <span className="muted">read-only</span>
                    ) : (
                      <EditDeleteButtons
                        kind="profile"
                        name={p.name}
                        onEdit={() => setEditing(p)}
                        remove={() => deleteProfile(p.id)}
                        onDeleted={() => void qc.invalidateQueries({ queryKey: ["settings", "profiles"] })}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryList>
      {editing ? <ProfileForm profile={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
    </Card>
  );
}
