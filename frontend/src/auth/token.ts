// The one place the console keeps its session token. The token lives in
// localStorage so that a reload or a second tab stays signed in; the store
// also remembers, in memory, why the last session ended so that the sign-in
// page can say so.

/** Why the console has no session: signed out on purpose or ended by the server or the clock. */
export type EndReason = "signed-out" | "expired";

/** A stored session token and the time it stops being valid. */
export interface StoredToken {
  token: string;
  /** Milliseconds since the epoch, or null when unknown. */
  expiresAt: number | null;
}

const TOKEN_KEY = "rakkr.token";
const EXPIRES_KEY = "rakkr.tokenExpiresAt";

type Listener = () => void;

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Storage can throw when disabled by the browser's privacy settings.
    return null;
  }
}

function read(): StoredToken | null {
  const s = storage();
  const token = s?.getItem(TOKEN_KEY) ?? null;
  if (!token) return null;
  const raw = s?.getItem(EXPIRES_KEY);
  const expiresAt = raw ? Number(raw) : NaN;
  return { token, expiresAt: Number.isFinite(expiresAt) ? expiresAt : null };
}

/**
 * TokenStore holds the session token and notifies subscribers when it
 * changes, including when another tab signs in or out.
 */
export class TokenStore {
  private current: StoredToken | null = read();
  private reason: EndReason | null = null;
  private readonly listeners = new Set<Listener>();

  constructor() {
    if (this.current?.expiresAt != null && this.current.expiresAt <= Date.now()) {
      this.write(null);
      this.reason = "expired";
    }
    globalThis.addEventListener?.("storage", (e: StorageEvent) => {
      if (e.key !== null && e.key !== TOKEN_KEY && e.key !== EXPIRES_KEY) return;
      const next = read();
      if (next?.token === this.current?.token) return;
      if (!next && this.current) this.reason = "signed-out";
      this.current = next;
      this.emit();
    });
  }

  /** The current token, or null when signed out. Stable between changes. */
  get = (): StoredToken | null => this.current;

  /** The bearer string, or null when signed out. */
  bearer = (): string | null => this.current?.token ?? null;

  /** Why the last session ended, or null when none ended since the last sign-in. */
  endReason = (): EndReason | null => this.reason;

  /** Stores a new token after a successful sign-in. */
  set(token: string, expiresAt: string | null): void {
    const ms = expiresAt ? Date.parse(expiresAt) : NaN;
    this.reason = null;
    this.write({ token, expiresAt: Number.isFinite(ms) ? ms : null });
    this.emit();
  }

  /** Forgets the token; `reason` is shown on the sign-in page. */
  clear(reason: EndReason): void {
    if (!this.current) return;
    this.reason = reason;
    this.write(null);
    this.emit();
  }

  /** Calls `fn` after every change; returns the unsubscribe function. */
  subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private write(next: StoredToken | null): void {
    this.current = next;
    const s = storage();
    if (!s) return;
    try {
      if (next) {
        s.setItem(TOKEN_KEY, next.token);
        if (next.expiresAt != null) s.setItem(EXPIRES_KEY, String(next.expiresAt));
        else s.removeItem(EXPIRES_KEY);
      } else {
        s.removeItem(TOKEN_KEY);
        s.removeItem(EXPIRES_KEY);
      }
    } catch {
      // Quota or privacy errors: keep the in-memory token for this tab.
    }
  }

  private emit(): void {
    for (const fn of [...this.listeners]) fn();
  }
}

/** The console's token store. */
export const tokenStore = new TokenStore();
