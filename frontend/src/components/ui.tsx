// Small shared controls for the console pages: permission-aware buttons,
// copy-to-clipboard, an accessible dialog, an inline confirmation, pagination
// and status badges.

import { useEffect, useId, useRef, useState } from "react";
import type { ButtonHTMLAttributes, KeyboardEvent, ReactNode } from "react";
import { useCan } from "../auth/Guard";
import { useMe } from "../auth/session";
import type { Permission } from "../auth/permissions";
import { UnavailableCard } from "./Card";
import { formatDateTime, isoOf } from "../format/datetime";
import { downloadCsv, exportHref } from "../api/fleet";

/** A button that is disabled, with the reason as its title, when the caller lacks `permission`. */
export function PermButton({
  permission,
  children,
  disabled,
  title,
  className = "button",
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { permission: Permission | readonly Permission[] }) {
  const { allowed, reason } = useCan(permission);
  return (
    <button
      type="button"
      className={className}
      {...rest}
      disabled={!allowed || disabled}
      title={allowed ? title : (reason ?? undefined)}
      aria-disabled={!allowed || disabled ? true : undefined}
    >
      {children}
    </button>
  );
}

/** Copies `text` to the clipboard and says so. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <button
      type="button"
      className="button"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setState("copied");
        } catch {
          setState("failed");
        }
      }}
    >
      {state === "copied" ? "Copied" : state === "failed" ? "Copy failed, select the text" : label}
    </button>
  );
}

/** A secret shown once, with a copy button. */
export function OneTimeSecret({ label, value, note }: { label: string; value: string; note?: ReactNode }) {
  return (
    <div className="secret" role="region" aria-label={label}>
      <p className="secret__label">
        <strong>{label}</strong> — shown once; copy it now.
      </p>
      <div className="secret__row">
        <code className="secret__value">{value}</code>
        <CopyButton text={value} />
      </div>
      {note ? <p className="muted">{note}</p> : null}
    </div>
  );
}

/** The elements Tab can reach inside a container, in order. */
export function tabbable(root: HTMLElement): HTMLElement[] {
  return Array.from(
    root.querySelectorAll<HTMLElement>(
      'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])',
    ),
  ).filter((el) => !el.hidden && el.getAttribute("aria-hidden") !== "true");
}

/**
 * A modal dialog: labelled, Escape closes, focus moves inside and back, and
 * Tab / Shift+Tab cycle through the dialog's controls without leaving it.
 */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const id = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>("input, select, textarea, button");
    first?.focus();
    return () => previous?.focus?.();
  }, []);
  return (
    <div className="dialog-backdrop">
      <div
        ref={ref}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={id}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            onClose();
            return;
          }
          if (e.key !== "Tab" || !ref.current) return;
          const items = tabbable(ref.current);
          const first = items[0];
          const last = items[items.length - 1];
          if (!first || !last) return;
          if (e.shiftKey && document.activeElement === first) {
            e.preventDefault();
            last.focus();
          } else if (!e.shiftKey && document.activeElement === last) {
            e.preventDefault();
            first.focus();
          }
        }}
      >
        <h2 id={id} className="card__title">
          {title}
        </h2>
        {children}
      </div>
    </div>
  );
}

/** A button that asks for confirmation inline before running `onConfirm`. */
export function ConfirmButton({
  permission,
  label,
  question,
  onConfirm,
  busy,
  danger,
}: {
  permission: Permission;
  label: string;
  question: string;
  onConfirm: () => void;
  busy?: boolean;
  danger?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <PermButton permission={permission} onClick={() => setAsking(true)} disabled={busy}>
        {label}
      </PermButton>
    );
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span>{question}</span>{" "}
      <button
        type="button"
        className={`button${danger ? " button--danger" : " button--primary"}`}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Confirm
      </button>{" "}
      <button type="button" className="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/** Previous/next with "1–50 of 120". */
export function Pager({
  offset,
  limit,
  total,
  onChange,
}: {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
}) {
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(total, offset + limit);
  return (
    <nav className="pager" aria-label="Pagination">
      <span role="status">
        {from}–{to} of {total}
      </span>
      <button type="button" className="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        Previous
      </button>
      <button type="button" className="button" disabled={offset + limit >= total} onClick={() => onChange(offset + limit)}>
        Next
      </button>
    </nav>
  );
}

/** A coloured badge for a node or event status / severity. */
export function Badge({ value }: { value: string | null | undefined }) {
  const v = value || "unknown";
  return <span className={`badge badge--${v.replace(/[^a-z]/gi, "")}`}>{v}</span>;
}

/** A year-first date in the browser zone inside <time>. */
export function When({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return <time dateTime={isoOf(value)}>{formatDateTime(value)}</time>;
}

/** Renders children for callers holding `permission`; otherwise an explanation. */
export function PageGuard({ permission, what, children }: { permission: Permission; what: string; children: ReactNode }) {
  const me = useMe();
  const { allowed, reason } = useCan(permission);
  if (me.isPending)
    return (
      <p className="muted" role="status">
        Checking your permissions…
      </p>
    );
  if (!allowed) return <UnavailableCard what={what} reason={reason ?? ""} />;
  return <>{children}</>;
}

/** A labelled select. */
export function SelectField({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: readonly (string | [string, string])[];
}) {
  const id = useId();
  return (
    <div className="field field--inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => {
          const [v, l] = typeof o === "string" ? [o, o || "Any"] : o;
          return (
            <option key={v} value={v}>
              {l}
            </option>
          );
        })}
      </select>
    </div>
  );
}

/**
 * A labelled text input. `error` is shown under the field, marks the input
 * aria-invalid and is announced; `description` is a visually hidden
 * description for assistive technology (e.g. the expected format).
 */
export function TextField({
  label,
  value,
  onChange,
  type = "text",
  required,
  placeholder,
  autoComplete,
  error,
  description,
  spellCheck,
  onBlur,
  onKeyDown,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  required?: boolean;
  placeholder?: string;
  autoComplete?: string;
  error?: string | null;
  description?: string;
  spellCheck?: boolean;
  onBlur?: () => void;
  onKeyDown?: (e: KeyboardEvent<HTMLInputElement>) => void;
}) {
  const id = useId();
  const descriptionId = `${id}-description`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : "", description ? descriptionId : ""].filter(Boolean).join(" ");
  return (
    <div className="field field--inline">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={value}
        required={required}
        placeholder={placeholder}
        autoComplete={autoComplete}
        spellCheck={spellCheck}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
        onKeyDown={onKeyDown}
      />
      {description ? (
        <span id={descriptionId} className="visually-hidden">
          {description}
        </span>
      ) : null}
      {error ? (
        <span id={errorId} className="field__error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** The server's message for a failed mutation, as an alert. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p className="notice notice--error" role="alert">
      {message}
    </p>
  );
}

/** "Export CSV": fetches the export with the bearer and saves it. */
export function ExportButton({
  path,
  query,
  filename,
}: {
  path: string;
  query: Record<string, string | number | undefined>;
  filename: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <button
        type="button"
        className="button"
        disabled={busy}
        data-href={exportHref(path, query)}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await downloadCsv(path, query, filename);
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? "Exporting…" : "Export CSV"}
      </button>
      <ErrorNotice error={error} />
    </>
  );
}
