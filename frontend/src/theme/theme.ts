// The colour theme: follow the system, or force light or dark. The choice is
// kept in localStorage and applied as data-theme on <html>; styles.css does
// the rest with CSS variables.

import { useCallback, useSyncExternalStore } from "react";

/** The user's choice. */
export type ThemeChoice = "system" | "light" | "dark";

/** The choices in the order the toggle shows them. */
export const THEME_CHOICES: readonly ThemeChoice[] = ["system", "light", "dark"];

const KEY = "rakkr.theme";
const listeners = new Set<() => void>();

function isChoice(v: unknown): v is ThemeChoice {
  return v === "system" || v === "light" || v === "dark";
}

/** The stored choice; "system" when none or storage is unavailable. */
export function readTheme(): ThemeChoice {
  try {
    const v = globalThis.localStorage?.getItem(KEY);
    return isChoice(v) ? v : "system";
  } catch {
    return "system";
  }
}

/** Sets data-theme on <html>; "system" removes it so the media query decides. */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", choice);
}

/** Stores, applies and announces a new choice. */
export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === "system") globalThis.localStorage?.removeItem(KEY);
    else globalThis.localStorage?.setItem(KEY, choice);
  } catch {
    // Not persisted; still applied for this page.
  }
  applyTheme(choice);
  for (const fn of [...listeners]) fn();
}

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The current choice and a setter, for the header toggle. */
export function useTheme(): [ThemeChoice, (c: ThemeChoice) => void] {
  const choice = useSyncExternalStore(subscribe, readTheme, () => "system" as ThemeChoice);
  const set = useCallback((c: ThemeChoice) => setTheme(c), []);
  return [choice, set];
}
