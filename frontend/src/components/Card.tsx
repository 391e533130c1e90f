import type { ReactNode } from "react";

/** A titled panel. */
export function Card({
  title,
  children,
  tone,
  headingLevel = 2,
}: {
  title: ReactNode;
  children: ReactNode;
  tone?: "muted" | "warning" | "danger";
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section className={`card${tone ? ` card--${tone}` : ""}`}>
      <Heading className="card__title">{title}</Heading>
      {children}
    </section>
  );
}

/** The card shown in place of a page the caller may not see. */
export function UnavailableCard({ what, reason }: { what: string; reason: string }) {
  return (
    <Card title={`${what} is unavailable`} tone="muted">
      <p>You do not have access to this part of the console.</p>
      <p className="muted">{reason} Ask an administrator if you need it.</p>
    </Card>
  );
}

/** An error from the API or the app, with an optional retry. */
export function ErrorCard({ title, message, onRetry }: { title: string; message: string; onRetry?: () => void }) {
  return (
    <section className="card card--danger" role="alert">
      <h2 className="card__title">{title}</h2>
      <p>{message}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </section>
  );
}
