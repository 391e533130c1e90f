import { useRouteError } from "react-router";

/** Shown instead of a blank screen when rendering a page throws. */
export function RouteErrorPage() {
  const error = useRouteError();
  const message = error instanceof Error ? error.message : "An unexpected error occurred.";
  return (
    <main className="signin" id="main">
      <section className="card card--danger signin__panel" role="alert">
        <h1 className="card__title">Something went wrong</h1>
        <p>The console hit an error it could not recover from.</p>
        <p className="muted">
          <code>{message}</code>
        </p>
        <button type="button" className="button button--primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </section>
    </main>
  );
}
