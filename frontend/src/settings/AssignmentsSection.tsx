// Channel-map assignments: which template an interface or node uses, with
// Unassign and (for settings:manage plus node:read) the assign form.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { FormEvent } from "react";
import { listNodes } from "../api/fleet";
import { assignTemplate, listAssignments, unassignTemplate } from "../api/recordings";
import type { ChannelMapTemplate } from "../api/recordings";
import { useCan } from "../auth/Guard";
import { QueryList, TableHead } from "../components/table";
import { ErrorNotice, PermButton, SelectField } from "../components/ui";

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

/** The "Assignments" part of the channel-map card; `templates` names them and fills the form. */
export function AssignmentsSection({ templates }: { templates: readonly ChannelMapTemplate[] | undefined }) {
  const qc = useQueryClient();
  const manage = useCan("settings:manage");
  const nodeRead = useCan("node:read");
  const assignments = useQuery({ queryKey: ["settings", "assignments"], queryFn: ({ signal }) => listAssignments(signal) });
  const unassign = useMutation({
    mutationFn: (a: { targetType: string; targetId: string }) => unassignTemplate(a.targetType, a.targetId),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["settings", "assignments"] }),
  });
  const nameOf = (id: string) => templates?.find((t) => t.id === id)?.name ?? id;
  return (
    <>
      <h3>Assignments</h3>
      <QueryList query={assignments} items={assignments.data} empty="No template is assigned.">
        {(rows) => (
          <table className="table" aria-label="Assignments">
            <TableHead columns={["Target", "Template"]} hidden="Actions" />
            <tbody>
              {rows.map((a) => (
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
        )}
      </QueryList>
      <ErrorNotice error={unassign.error} />
      {manage.allowed && nodeRead.allowed ? <AssignForm templates={templates ?? []} /> : null}
      {!manage.allowed ? <p className="muted">{manage.reason}</p> : null}
    </>
  );
}
