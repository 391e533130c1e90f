// Permission checks for the console. They mirror the controller's catalog so
// the console can hide what a user cannot reach and explain what is disabled;
// the controller still decides every request.

/** The controller's permission catalog (domain/access/catalog.go). */
export const PERMISSIONS = [
  "audit:read",
  "auth:manage",
  "health:read",
  "health:acknowledge",
  "listen:monitor",
  "metrics:read",
  "node:read",
  "node:control",
  "node:manage",
  "recording:read",
  "recording:create",
  "recording:control",
  "recording:edit",
  "recording:playback",
  "recording:download",
  "recording:delete",
  "schedule:read",
  "schedule:manage",
  "settings:read",
  "settings:manage",
  "switcher:read",
  "switcher:map",
  "switcher:manage",
  "system:admin",
] as const;

/** One permission from the catalog, e.g. "node:read". */
export type Permission = (typeof PERMISSIONS)[number];

/** What a caller holds: the `permissions` of GET /auth/me, or nothing while unknown. */
export type Held = readonly string[] | null | undefined;

/** True when `held` includes `permission`. Unknown (null) holds nothing. */
export function can(held: Held, permission: Permission): boolean {
  return held != null && held.includes(permission);
}

/** True when `held` includes every one of `permissions` (true for none). */
export function canAll(held: Held, permissions: readonly Permission[]): boolean {
  return permissions.every((p) => can(held, p));
}

/** True when `held` includes at least one of `permissions`. */
export function canAny(held: Held, permissions: readonly Permission[]): boolean {
  return permissions.some((p) => can(held, p));
}

/** The permissions from `required` that `held` lacks, in the given order. */
export function missing(held: Held, required: readonly Permission[]): Permission[] {
  return required.filter((p) => !can(held, p));
}

/**
 * Why a control is unavailable, for a tooltip or a card, or null when
 * `held` has everything `required` asks for.
 */
export function denyReason(held: Held, required: Permission | readonly Permission[]): string | null {
  const list: readonly Permission[] = typeof required === "string" ? [required] : required;
  const lacking = missing(held, list);
  if (lacking.length === 0) return null;
  if (held == null) return "Checking your permissions…";
  const names = lacking.join(", ");
  return lacking.length === 1
    ? `Requires the ${names} permission.`
    : `Requires the ${names} permissions.`;
}
