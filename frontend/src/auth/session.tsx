// The signed-in session as React sees it: the token (from tokenStore), who
// the user is (GET /auth/me, cached by TanStack Query) and sign-in/sign-out.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useSyncExternalStore } from "react";
import type { ReactNode } from "react";
import { fetchMe, logout, meQueryKey } from "../api/auth";
import type { LoginResult, Me } from "../api/types";
import { tokenStore } from "./token";
import type { EndReason, StoredToken } from "./token";

/** Everything a component needs to know about the session. */
export interface Session {
  token: StoredToken | null;
  /** Why the previous session ended, for the sign-in page. */
  endReason: EndReason | null;
  /** Stores the token from a successful sign-in. */
  signIn(result: LoginResult): void;
  /** Ends the session on the server (best effort) and locally. */
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

// setTimeout fires at once for delays above 2^31-1 ms (~24.8 days).
const MAX_TIMER_MS = 2_147_483_647;

/** Provides the session; must sit inside a QueryClientProvider. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const token = useSyncExternalStore(tokenStore.subscribe, tokenStore.get);
  const endReason = useSyncExternalStore(tokenStore.subscribe, tokenStore.endReason);

  // Nothing cached for one user may be shown to the next.
  useEffect(() => {
    if (!token) queryClient.clear();
  }, [token, queryClient]);

  // End the session when the server said it would, without waiting for a 401.
  useEffect(() => {
    if (token?.expiresAt == null) return;
    const delay = token.expiresAt - Date.now();
    if (delay > MAX_TIMER_MS) return;
    const id = setTimeout(() => tokenStore.clear("expired"), Math.max(0, delay));
    return () => clearTimeout(id);
  }, [token]);

  const signIn = useCallback((result: LoginResult) => {
    tokenStore.set(result.token, result.expiresAt);
  }, []);

  const signOut = useCallback(async () => {
    const current = tokenStore.bearer();
    if (current) {
      try {
        await logout(current);
      } catch {
        // The local sign-out below is what matters; the token expires anyway.
      }
    }
    tokenStore.clear("signed-out");
  }, []);

  const value = useMemo<Session>(
    () => ({ token, endReason, signIn, signOut }),
    [token, endReason, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The current session; throws outside SessionProvider. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession must be used inside <SessionProvider>");
  return s;
}

/** Who the signed-in user is, from GET /auth/me (shared cache). */
export function useMe() {
  const { token } = useSession();
  return useQuery<Me>({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => fetchMe(signal),
    enabled: token != null,
    staleTime: 60_000,
  });
}
