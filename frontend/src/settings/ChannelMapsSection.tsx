// The "Channel-map templates" card: the templates with New, Edit and Delete
// for settings:manage, followed by their assignments.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { deleteTemplate, listTemplates } from "../api/recordings";
import type { ChannelMapTemplate } from "../api/recordings";
import { Card } from "../components/Card";
import { QueryList, TableHead } from "../components/table";
import { PermButton } from "../components/ui";
import { AssignmentsSection } from "./AssignmentsSection";
import { EditDeleteButtons, modeLabel } from "./common";
import { TemplateForm } from "./TemplateForm";

/** The included entries as "1→2 L, 2→1 R" ("—" when none). */
const entriesSummary = (t: ChannelMapTemplate) =>
  t.entries
    .filter((e) => e.included)
    .map((e) => `${e.sourceChannelIndex}→${e.outputChannelIndex || "next"}${e.label ? ` ${e.label}` : ""}`)
    .join(", ") || "—";

/** The channel-map templates card with the assignments. */
export function ChannelMapsSection() {
  const qc = useQueryClient();
  const templates = useQuery({ queryKey: ["settings", "templates"], queryFn: ({ signal }) => listTemplates(signal) });
  const [editing, setEditing] = useState<ChannelMapTemplate | "new" | null>(null);
  return (
    <Card title="Channel-map templates">
      <div className="toolbar">
        <PermButton permission="settings:manage" onClick={() => setEditing("new")}>
          New template
        </PermButton>
      </div>
      <QueryList query={templates} items={templates.data} empty="No templates.">
        {(rows) => (
          <table className="table" aria-label="Channel-map templates">
            <TableHead columns={["Name", "Mode", "Entries", "Revision", "Tags"]} hidden="Actions" />
            <tbody>
              {rows.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{modeLabel(t.channelMode)}</td>
                  <td>{entriesSummary(t)}</td>
                  <td className="num">{t.revision}</td>
                  <td>{t.tags?.join(", ") || "—"}</td>
                  <td>
                    <EditDeleteButtons
                      kind="template"
                      name={t.name}
                      onEdit={() => setEditing(t)}
                      remove={() => deleteTemplate(t.id)}
                      onDeleted={() => void qc.invalidateQueries({ queryKey: ["settings"] })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryList>
      <AssignmentsSection templates={templates.data} />
      {editing ? <TemplateForm template={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
    </Card>
  );
}
