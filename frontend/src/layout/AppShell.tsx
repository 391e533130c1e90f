import { useState } from "react";
import { NavLink, Outlet } from "react-router";
import { can } from "../auth/permissions";
import { useMe, useSession } from "../auth/session";
import { ThemeToggle } from "../components/ThemeToggle";
import { SECTIONS } from "./sections";

function UserBadge() {
  const me = useMe();
  if (me.isPending) return <span className="user muted">Loading…</span>;
  if (!me.data) return <span className="user muted">Unknown user</span>;
  const { user, roles } = me.data;
  return (
    <span className="user">
      <span className="user__name">{user.name || user.email}</span>
      <span className="user__roles">{roles.length ? roles.join(", ") : "no roles"}</span>
    </span>
  );
}

/** Header, permission-filtered nav and the current page. */
export function AppShell() {
  const { signOut } = useSession();
  const me = useMe();
  const [signingOut, setSigningOut] = useState(false);
  const held = me.data?.permissions;
  const visible = SECTIONS.filter((s) => !s.permission || can(held, s.permission));

  const onSignOut = async () => {
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      setSigningOut(false);
    }
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar__brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Rakkr</span>
        </div>
        <div className="topbar__actions">
          <UserBadge />
          <ThemeToggle />
          <button type="button" className="button" onClick={onSignOut} disabled={signingOut}>
            {signingOut ? "Signing out…" : "Sign out"}
          </button>
        </div>
      </header>
      <nav className="sidenav" aria-label="Sections">
        <ul>
          {visible.map((s) => (
            <li key={s.path}>
              <NavLink to={s.path ? `/${s.path}` : "/"} end={s.path === ""}>
                {s.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content" id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
