// The console's route table, shared by the browser router and the tests.

import type { RouteObject } from "react-router";
import { AppShell } from "./layout/AppShell";
import { RequireSession } from "./layout/RequireSession";
import { SECTIONS } from "./layout/sections";
import type { ReactElement } from "react";
import { AccessPage } from "./pages/AccessPage";
import { AuditPage } from "./pages/AuditPage";
import { DashboardPage } from "./pages/DashboardPage";
import { HealthPage } from "./pages/HealthPage";
import { NodeDetailPage } from "./pages/NodeDetailPage";
import { NodesPage } from "./pages/NodesPage";
import { TokensPage } from "./pages/TokensPage";
import { JobsPage } from "./pages/JobsPage";
import { RecordingDetailPage } from "./pages/RecordingDetailPage";
import { RecordingsPage } from "./pages/RecordingsPage";
import { SettingsPage } from "./pages/SettingsPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { RouteErrorPage } from "./pages/RouteErrorPage";
import { SectionPage } from "./pages/SectionPage";
import { SignInPage } from "./pages/SignInPage";

/** Sections that are built; the rest show a "coming soon" card. */
const PAGES: Record<string, ReactElement> = {
  nodes: <NodesPage />,
  health: <HealthPage />,
  access: <AccessPage />,
  audit: <AuditPage />,
  recordings: <RecordingsPage />,
  settings: <SettingsPage />,
  tokens: <TokensPage />,
};

/** Every console route. */
export const routes: RouteObject[] = [
  { path: "/sign-in", element: <SignInPage />, errorElement: <RouteErrorPage /> },
  {
    path: "/",
    element: (
      <RequireSession>
        <AppShell />
      </RequireSession>
    ),
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <DashboardPage /> },
      ...SECTIONS.filter((s) => s.path !== "").map((s) => ({
        path: s.path,
        element: PAGES[s.path] ?? <SectionPage section={s} />,
      })),
      { path: "nodes/:id", element: <NodeDetailPage /> },
      { path: "recordings/jobs", element: <JobsPage /> },
      { path: "recordings/:id", element: <RecordingDetailPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
