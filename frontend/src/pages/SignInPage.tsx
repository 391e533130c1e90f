import { useMutation } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import type { FormEvent } from "react";
import { Navigate, useLocation } from "react-router";
import { login } from "../api/auth";
import { isApiError } from "../api/client";
import type { LoginResult } from "../api/types";
import { useSession } from "../auth/session";

/** Where RequireSession was sent from, so sign-in can return there. */
export interface SignInState {
  from?: string;
}

const ENDED_MESSAGE = "Your session has ended, sign in again.";

function safeReturnPath(from: unknown): string {
  // Only same-app paths: never "//host" or an absolute URL.
  if (typeof from === "string" && from.startsWith("/") && !from.startsWith("//") && from !== "/sign-in") {
    return from;
  }
  return "/";
}

/** Seconds left until `until` (epoch ms), ticking once a second; 0 when past. */
function useCountdown(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until == null) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [until]);
  return until == null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

/** Email and password sign-in. */
export function SignInPage() {
  const { token, endReason, signIn } = useSession();
  const location = useLocation();
  const from = safeReturnPath((location.state as SignInState | null)?.from);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [retryUntil, setRetryUntil] = useState<number | null>(null);
  const waitSeconds = useCountdown(retryUntil);
  const passwordRef = useRef<HTMLInputElement>(null);
  const errorId = useId();

  const mutation = useMutation<LoginResult, Error, { email: string; password: string }>({
    mutationFn: (vars) => login(vars),
    onSuccess: (result) => signIn(result),
    onError: (err) => {
      if (isApiError(err, 429) && err.retryAfterSeconds) {
        setRetryUntil(Date.now() + err.retryAfterSeconds * 1000);
      } else if (isApiError(err, 401)) {
        setPassword("");
        passwordRef.current?.focus();
      }
    },
  });

  if (token) return <Navigate to={from} replace />;

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (mutation.isPending || waitSeconds > 0) return;
    mutation.mutate({ email: email.trim(), password });
  };

  const error = mutation.error;
  const showEnded = endReason === "expired" && !error;
  const busy = mutation.isPending;

  return (
    <main className="signin" id="main">
      <div className="signin__panel">
        <div className="signin__brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Rakkr</span>
        </div>
        <h1 className="signin__title">Sign in to the console</h1>

        {showEnded ? (
          <p className="notice notice--info" role="status">
            {ENDED_MESSAGE}
          </p>
        ) : null}
        {error ? (
          <div className="notice notice--error" role="alert" id={errorId}>
            <p>{error.message}</p>
            {waitSeconds > 0 ? <p>You can try again in {waitSeconds} s.</p> : null}
          </div>
        ) : null}

        <form className="form" onSubmit={onSubmit} aria-describedby={error ? errorId : undefined}>
          <div className="field">
            <label htmlFor="signin-email">Email</label>
            <input
              id="signin-email"
              name="email"
              type="email"
              autoComplete="username"
              inputMode="email"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={isApiError(error, 401) || undefined}
            />
          </div>
          <div className="field">
            <label htmlFor="signin-password">Password</label>
            <input
              id="signin-password"
              ref={passwordRef}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={isApiError(error, 401) || undefined}
            />
          </div>
          <button type="submit" className="button button--primary button--block" disabled={busy || waitSeconds > 0}>
            {busy ? "Signing in…" : waitSeconds > 0 ? `Try again in ${waitSeconds} s` : "Sign in"}
          </button>
        </form>
      </div>
    </main>
  );
}
