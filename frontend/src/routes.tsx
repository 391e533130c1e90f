// The console's route table, shared by the browser router and the tests.

import type { RouteObject } from "react-router";
import { AppShell } from "./layout/AppShell";
import { RequireSession } from "./layout/RequireSession";
import { SECTIONS } from "./layout/sections";
import { DashboardPage } from "./pages/DashboardPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { RouteErrorPage } from "./pages/RouteErrorPage";
import { SectionPage } from "./pages/SectionPage";
import { SignInPage } from "./pages/SignInPage";

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
      ...SECTIONS.filter((s) => s.path !== "").map((s) => ({ path: s.path, element: <SectionPage section={s} /> })),
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
