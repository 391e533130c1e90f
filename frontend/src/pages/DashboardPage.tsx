import { useSession, useMe } from "../auth/session";
import { Card, ErrorCard } from "../components/Card";
import { browserTimeZone, formatDateTime, isoOf } from "../format/datetime";

/** The landing page; for now it shows who you are. */
export function DashboardPage() {
  const me = useMe();
  const { token } = useSession();

  if (me.isPending) {
    return (
      <>
        <h1>Dashboard</h1>
        <p className="muted" role="status">
          Loading your account…
        </p>
      </>
    );
  }
  if (me.isError) {
    return (
      <>
        <h1>Dashboard</h1>
        <ErrorCard title="Could not load your account" message={me.error.message} onRetry={() => void me.refetch()} />
      </>
    );
  }

  const { user, roles, permissions } = me.data;
  const expiresAt = token?.expiresAt ?? null;
  return (
    <>
      <h1>Dashboard</h1>
      <p className="lead">Welcome, {user.name || user.email}.</p>
      <div className="grid">
        <Card title="Your account">
          <dl className="facts">
            <dt>Name</dt>
            <dd>{user.name || "—"}</dd>
            <dt>Email</dt>
            <dd>{user.email}</dd>
            <dt>User ID</dt>
            <dd>
              <code>{user.id}</code>
            </dd>
            <dt>Roles</dt>
            <dd>
              {roles.length ? (
                <ul className="tags" aria-label="Roles">
                  {roles.map((r) => (
                    <li key={r} className="tag tag--accent">
                      {r}
                    </li>
                  ))}
                </ul>
              ) : (
                "none"
              )}
            </dd>
            <dt>Session ends</dt>
            <dd>
              {expiresAt != null ? (
                <>
                  <time dateTime={isoOf(expiresAt)}>{formatDateTime(expiresAt)}</time>{" "}
                  <span className="muted">({browserTimeZone()})</span>
                </>
              ) : (
                "—"
              )}
            </dd>
          </dl>
        </Card>
        <Card title={`Permissions (${permissions.length})`}>
          {permissions.length ? (
            <ul className="tags" aria-label="Permissions">
              {[...permissions].sort().map((p) => (
                <li key={p} className="tag">
                  <code>{p}</code>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">You hold no permissions. Ask an administrator for access.</p>
          )}
        </Card>
      </div>
    </>
  );
}
