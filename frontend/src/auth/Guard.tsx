// React side of the permission helper: a hook and a component that read the
// caller's permissions from GET /auth/me.

import type { ReactNode } from "react";
import { useMe } from "./session";
import { can, canAll, denyReason } from "./permissions";
import type { Held, Permission } from "./permissions";

/** Whether the caller holds a permission, and if not, why not. */
export interface Check {
  allowed: boolean;
  /** Null when allowed; otherwise a sentence for a tooltip or a card. */
  reason: string | null;
}

/** The caller's permissions, or undefined while /auth/me is loading. */
export function usePermissions(): Held {
  return useMe().data?.permissions;
}

/** Checks one or more permissions (all required) for the signed-in user. */
export function useCan(required: Permission | readonly Permission[]): Check {
  const held = usePermissions();
  const list: readonly Permission[] = typeof required === "string" ? [required] : required;
  const allowed = typeof required === "string" ? can(held, required) : canAll(held, list);
  return { allowed, reason: allowed ? null : denyReason(held, list) };
}

/** Props of Guard. */
export interface GuardProps {
  /** Every one of these is needed. */
  permission: Permission | readonly Permission[];
  /**
   * Shown when the caller lacks a permission: nothing by default (hide), or a
   * node, or a function of the reason (e.g. a disabled button with a title).
   */
  fallback?: ReactNode | ((reason: string) => ReactNode);
  children: ReactNode;
}

/** Renders children only for callers that hold `permission`. */
export function Guard({ permission, fallback = null, children }: GuardProps) {
  const { allowed, reason } = useCan(permission);
  if (allowed) return <>{children}</>;
  return <>{typeof fallback === "function" ? fallback(reason ?? "") : fallback}</>;
}
