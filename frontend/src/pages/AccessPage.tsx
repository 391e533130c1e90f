import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { FormEvent } from "react";
import {
  createGroup,
  createUser,
  deleteUser,
  fetchCatalog,
  fetchPolicies,
  listGroups,
  listUsers,
  replacePolicies,
  resetUserPassword,
  setUserDisabled,
} from "../api/fleet";
import type { AccessPolicy, AuthUser } from "../api/fleet";
import { useMe } from "../auth/session";
import { Card } from "../components/Card";
import { Badge, ConfirmButton, Dialog, ErrorNotice, PageGuard, PermButton, TextField, When } from "../components/ui";

const FALLBACK_ROLES = ["owner", "admin", "operator", "viewer", "auditor"];

function useRoles(): string[] {
  const cat = useQuery({ queryKey: ["auth", "catalog"], queryFn: ({ signal }) => fetchCatalog(signal), staleTime: 300_000 });
  return cat.data?.roles.map((r) => r.name) ?? FALLBACK_ROLES;
}

function CreateUserDialog({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient();
  const roles = useRoles();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [chosen, setChosen] = useState<string[]>(["viewer"]);
  const create = useMutation({
    mutationFn: () => createUser({ email: email.trim(), name: name.trim(), password, roles: chosen }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["auth", "users"] });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Dialog title="Create user" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <TextField label="Email" type="email" value={email} onChange={setEmail} required autoComplete="off" />
        <TextField label="Name" value={name} onChange={setName} required />
        <TextField label="Password" type="password" value={password} onChange={setPassword} required autoComplete="new-password" />
        <fieldset className="checks">
          <legend>Roles</legend>
          {roles.map((r) => (
            <label key={r}>
              <input
                type="checkbox"
                checked={chosen.includes(r)}
                onChange={(e) => setChosen((c) => (e.target.checked ? [...c, r] : c.filter((x) => x !== r)))}
              />{" "}
              {r}
            </label>
          ))}
        </fieldset>
        <ErrorNotice error={create.error} />
        <div className="row">
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create user"}
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: AuthUser; onClose: () => void }) {
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const reset = useMutation({ mutationFn: () => resetUserPassword(user.id, password), onSuccess: () => setDone(true) });
  return (
    <Dialog title={`Reset password for ${user.email}`} onClose={onClose}>
      {done ? (
        <>
          <p role="status">Password changed. The user&apos;s sessions and tokens were revoked.</p>
          <button type="button" className="button button--primary" onClick={onClose}>
            Done
          </button>
        </>
      ) : (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            reset.mutate();
          }}
        >
          <TextField label="New password" type="password" value={password} onChange={setPassword} required autoComplete="new-password" />
          <ErrorNotice error={reset.error} />
          <div className="row">
            <button type="submit" className="button button--primary" disabled={reset.isPending}>
              Reset password
            </button>
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function Users() {
  const qc = useQueryClient();
  const me = useMe();
  const [q, setQ] = useState("");
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<AuthUser | null>(null);
  const users = useQuery({
    queryKey: ["auth", "users", q],
    queryFn: ({ signal }) => listUsers({ q, limit: 200 }, signal),
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ["auth", "users"] });
  const status = useMutation({
    mutationFn: ({ id, disabled }: { id: string; disabled: boolean }) => setUserDisabled(id, disabled),
    onSettled: refresh,
  });
  const remove = useMutation({ mutationFn: (id: string) => deleteUser(id), onSettled: refresh });
  return (
    <Card title="Users">
      <div className="toolbar">
        <TextField label="Search users" value={q} onChange={setQ} />
        <PermButton permission="auth:manage" className="button button--primary" onClick={() => setCreating(true)}>
          Create user
        </PermButton>
      </div>
      <ErrorNotice error={status.error ?? remove.error} />
      {users.isError ? (
        <p className="notice notice--error" role="alert">
          {users.error.message}
        </p>
      ) : users.isPending ? (
        <p className="muted">Loading users…</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Roles</th>
              <th scope="col">Groups</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((u) => {
              const self = u.id === me.data?.user.id;
              return (
                <tr key={u.id}>
                  <td>{u.email}</td>
                  <td>{u.name}</td>
                  <td>{u.roles.join(", ") || "—"}</td>
                  <td>{u.groups.join(", ") || "—"}</td>
                  <td>
                    <Badge value={u.disabled ? "disabled" : "active"} />
                  </td>
                  <td>
                    <When value={u.createdAt} />
                  </td>
                  <td className="actions">
                    <PermButton
                      permission="auth:manage"
                      className="button button--small"
                      disabled={self || status.isPending}
                      title={self ? "You cannot disable yourself." : undefined}
                      onClick={() => status.mutate({ id: u.id, disabled: !u.disabled })}
                      aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.email}`}
                    >
                      {u.disabled ? "Enable" : "Disable"}
                    </PermButton>
                    <PermButton
                      permission="auth:manage"
                      className="button button--small"
                      onClick={() => setResetting(u)}
                      aria-label={`Reset password of ${u.email}`}
                    >
                      Reset password
                    </PermButton>
                    {self ? null : (
                      <ConfirmButton
                        permission="auth:manage"
                        label="Delete"
                        question={`Delete ${u.email}?`}
                        danger
                        busy={remove.isPending}
                        onConfirm={() => remove.mutate(u.id)}
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {creating ? <CreateUserDialog onClose={() => setCreating(false)} /> : null}
      {resetting ? <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} /> : null}
    </Card>
  );
}

function Groups() {
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const groups = useQuery({ queryKey: ["auth", "groups"], queryFn: ({ signal }) => listGroups(signal) });
  const create = useMutation({
    mutationFn: () => createGroup({ name: name.trim(), ...(description.trim() ? { description: description.trim() } : {}) }),
    onSuccess: () => {
      setName("");
      setDescription("");
      void qc.invalidateQueries({ queryKey: ["auth", "groups"] });
    },
  });
  return (
    <Card title="Groups">
      {groups.isError ? (
        <p className="notice notice--error" role="alert">
          {groups.error.message}
        </p>
      ) : groups.isPending ? (
        <p className="muted">Loading groups…</p>
      ) : groups.data.items.length === 0 ? (
        <p className="muted">No groups yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">ID</th>
              <th scope="col">Description</th>
              <th scope="col">Members</th>
            </tr>
          </thead>
          <tbody>
            {groups.data.items.map((g) => (
              <tr key={g.id}>
                <td>{g.name}</td>
                <td>
                  <code>{g.id}</code>
                </td>
                <td>{g.description || "—"}</td>
                <td>{g.memberCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="toolbar"
        aria-label="Create group"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <TextField label="Group name" value={name} onChange={setName} required />
        <TextField label="Description" value={description} onChange={setDescription} />
        <button type="submit" className="button button--primary" disabled={create.isPending || !name.trim()}>
          Create group
        </button>
      </form>
      <ErrorNotice error={create.error} />
    </Card>
  );
}

const EMPTY_POLICY: AccessPolicy = {
  effect: "allow",
  subjectType: "user",
  subjectId: "",
  resourceType: "node",
  resourceId: "",
  reason: "",
};

function Policies() {
  const qc = useQueryClient();
  const policies = useQuery({ queryKey: ["auth", "policies"], queryFn: ({ signal }) => fetchPolicies(signal) });
  const [draft, setDraft] = useState<AccessPolicy[] | null>(null);
  const rows = draft ?? policies.data?.policies ?? [];
  const save = useMutation({
    mutationFn: () => replacePolicies({ policies: rows }),
    onSuccess: (data) => {
      qc.setQueryData(["auth", "policies"], data);
      setDraft(null);
    },
  });
  const edit = (i: number, patch: Partial<AccessPolicy>) =>
    setDraft(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const field = (i: number, k: keyof AccessPolicy, label: string, options?: string[]) => {
    const id = `policy-${i}-${k}`;
    const value = rows[i]?.[k] ?? "";
    return (
      <td>
        <label className="visually-hidden" htmlFor={id}>
          {label} of policy {i + 1}
        </label>
        {options ? (
          <select id={id} value={value} onChange={(e) => edit(i, { [k]: e.target.value })}>
            {options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        ) : (
          <input id={id} value={value} onChange={(e) => edit(i, { [k]: e.target.value })} />
        )}
      </td>
    );
  };
  return (
    <Card title="Access policies">
      <p className="muted">
        Allow or deny a subject (user, group or everyone) on a resource. A deny wins over everything. Saving
        replaces all policies.
      </p>
      {policies.isError ? (
        <p className="notice notice--error" role="alert">
          {policies.error.message}
        </p>
      ) : policies.isPending ? (
        <p className="muted">Loading policies…</p>
      ) : (
        <>
          {rows.length === 0 ? <p className="muted">No policies.</p> : null}
          {rows.length ? (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Effect</th>
                  <th scope="col">Subject type</th>
                  <th scope="col">Subject ID</th>
                  <th scope="col">Resource type</th>
                  <th scope="col">Resource ID</th>
                  <th scope="col">Reason</th>
                  <th scope="col">
                    <span className="visually-hidden">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((_, i) => (
                  <tr key={i}>
                    {field(i, "effect", "Effect", ["allow", "deny"])}
                    {field(i, "subjectType", "Subject type", ["user", "group", "everyone"])}
                    {field(i, "subjectId", "Subject ID")}
                    {field(i, "resourceType", "Resource type", [
                      "global",
                      "site",
                      "room",
                      "node",
                      "interface",
                      "channel",
                      "schedule",
                      "recording",
                    ])}
                    {field(i, "resourceId", "Resource ID")}
                    {field(i, "reason", "Reason")}
                    <td>
                      <button
                        type="button"
                        className="button button--small"
                        aria-label={`Remove policy ${i + 1}`}
                        onClick={() => setDraft(rows.filter((__, j) => j !== i))}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <div className="row">
            <button type="button" className="button" onClick={() => setDraft([...rows, { ...EMPTY_POLICY }])}>
              Add policy
            </button>
            <button
              type="button"
              className="button button--primary"
              disabled={draft === null || save.isPending}
              onClick={() => save.mutate()}
            >
              Save policies
            </button>
            {draft !== null ? (
              <button type="button" className="button" onClick={() => setDraft(null)}>
                Discard changes
              </button>
            ) : null}
          </div>
          <ErrorNotice error={save.error} />
        </>
      )}
    </Card>
  );
}

/** Access: users, groups and access policies (auth:manage). */
export function AccessPage() {
  return (
    <>
      <h1>Access</h1>
      <PageGuard permission="auth:manage" what="Access">
        <Users />
        <Groups />
        <Policies />
      </PageGuard>
    </>
  );
}
