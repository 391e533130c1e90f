// The console's top-level sections: one list drives the nav and the routes.

import type { Permission } from "../auth/permissions";

/** One top-level section of the console. */
export interface Section {
  /** Route path under the console root ("" for the dashboard). */
  path: string;
  label: string;
  /** Needed to see the section; none means every signed-in user. */
  permission?: Permission;
  /** What the section will hold, for the placeholder card. */
  summary: string;
}

/** Sections in nav order. */
export const SECTIONS: readonly Section[] = [
  { path: "", label: "Dashboard", summary: "Fleet tiles, live meters, open incidents and who you are." },
  {
    path: "nodes",
    label: "Nodes",
    permission: "node:read",
    summary: "Recorder nodes: status, health, meter banks, listen, enrolment and lifecycle actions.",
  },
  {
    path: "recordings",
    label: "Recordings",
    permission: "recording:read",
    summary: "Recordings and jobs: search, playback, downloads, uploads and quality timelines.",
  },
  {
    path: "health",
    label: "Health",
    permission: "health:read",
    summary: "Health events: acknowledge, mute, resolve and reopen incidents across nodes.",
  },
  {
    path: "settings",
    label: "Settings",
    permission: "settings:read",
    summary: "Controller settings, recording profiles, watchdog, uploads, retention and channel maps.",
  },
  {
    path: "access",
    label: "Access",
    permission: "auth:manage",
    summary: "Users, groups, roles, access policies and resource grants.",
  },
  {
    path: "audit",
    label: "Audit",
    permission: "audit:read",
    summary: "The audit trail: who did what, when, with before and after values.",
  },
  { path: "tokens", label: "API tokens", summary: "Your personal API tokens." },
];
