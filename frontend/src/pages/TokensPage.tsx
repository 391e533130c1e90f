import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { createToken, listTokens, revokeToken } from "../api/fleet";
import type { DataOf } from "../api/schema.gen";
import { useMe } from "../auth/session";
import { Card } from "../components/Card";
import { ErrorNotice, OneTimeSecret, TextField, When } from "../components/ui";

/** Personal API tokens of the signed-in user: create (shown once) and revoke. */
export function TokensPage() {
  const qc = useQueryClient();
  const me = useMe();
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [limited, setLimited] = useState<string[] | null>(null);
  const [created, setCreated] = useState<DataOf<"auth.tokens.create"> | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const tokens = useQuery({ queryKey: ["auth", "tokens"], queryFn: ({ signal }) => listTokens(signal) });
  const refresh = () => void qc.invalidateQueries({ queryKey: ["auth", "tokens"] });
  const create = useMutation({
    mutationFn: () =>
      createToken({
        name: name.trim(),
        ...(limited ? { permissions: limited } : {}),
        ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
      }),
    onSuccess: (t) => {
      setCreated(t);
      setName("");
      setExpires("");
      setLimited(null);
      refresh();
    },
  });
  const revoke = useMutation({ mutationFn: (id: string) => revokeToken(id), onSettled: refresh });
  const held = me.data?.permissions ?? [];

  return (
    <>
      <h1>API tokens</h1>
      <p className="lead">Personal tokens act as you from scripts and tools, within your own permissions.</p>
      <Card title="Create a token">
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            setCreated(null);
            create.mutate();
          }}
        >
          <TextField label="Token name" value={name} onChange={setName} required />
          <TextField label="Expires on (optional)" type="date" value={expires} onChange={setExpires} />
          <fieldset className="checks">
            <legend>Permissions</legend>
            <label>
              <input type="checkbox" checked={limited === null} onChange={(e) => setLimited(e.target.checked ? null : [])} />{" "}
              All of my permissions
            </label>
            {limited !== null
              ? held.map((p) => (
                  <label key={p}>
                    <input
                      type="checkbox"
                      checked={limited.includes(p)}
                      onChange={(e) =>
                        setLimited((l) => (e.target.checked ? [...(l ?? []), p] : (l ?? []).filter((x) => x !== p)))
                      }
                    />{" "}
                    <code>{p}</code>
                  </label>
                ))
              : null}
          </fieldset>
          <ErrorNotice error={create.error} />
          <div className="row">
            <button type="submit" className="button button--primary" disabled={create.isPending || !name.trim()}>
              {create.isPending ? "Creating…" : "Create token"}
            </button>
          </div>
        </form>
        {created ? <OneTimeSecret label={`Token “${created.name ?? ""}”`} value={created.token} /> : null}
      </Card>
      <Card title="Your tokens">
        <ErrorNotice error={revoke.error} />
        {tokens.isError ? (
          <p className="notice notice--error" role="alert">
            {tokens.error.message}
          </p>
        ) : tokens.isPending ? (
          <p className="muted">Loading tokens…</p>
        ) : tokens.data.length === 0 ? (
          <p className="muted">You have no API tokens.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Permissions</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}</code>
                  </td>
                  {/* The controller sends permissions: null for an unrestricted token, despite the schema. */}
                  <td>{t.permissions?.length ? t.permissions.join(", ") : "all of yours"}</td>
                  <td>
                    <When value={t.createdAt} />
                  </td>
                  <td>
                    <When value={t.lastUsedAt} />
                  </td>
                  <td>
                    <When value={t.expiresAt} />
                  </td>
                  <td className="actions">
                    {t.revokedAt ? (
                      <span className="muted">
                        revoked <When value={t.revokedAt} />
                      </span>
                    ) : confirming === t.id ? (
                      <span role="group" aria-label={`Revoke ${t.name}?`}>
                        Revoke {t.name}?{" "}
                        <button
                          type="button"
                          className="button button--small button--danger"
                          onClick={() => {
                            setConfirming(null);
                            revoke.mutate(t.id);
                          }}
                        >
                          Confirm
                        </button>{" "}
                        <button type="button" className="button button--small" onClick={() => setConfirming(null)}>
                          Cancel
                        </button>
                      </span>
                    ) : (
                      <button
                        type="button"
                        className="button button--small"
                        aria-label={`Revoke ${t.name}`}
                        onClick={() => setConfirming(t.id)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
