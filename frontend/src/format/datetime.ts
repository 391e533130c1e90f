// Dates and times as the console shows them: in the browser's time zone (or
// an explicit one), year first, 24-hour clock: 2026-11-27 14:03:05.

/** Something that names an instant: a Date, epoch milliseconds or an ISO/RFC 3339 string. */
export type Instant = Date | number | string;

/** Options shared by the formatters. */
export interface FormatOptions {
  /** IANA zone such as "Europe/Oslo"; the browser's zone when omitted. */
  timeZone?: string;
  /** Shown for a missing or unparsable value. */
  empty?: string;
}

const EMPTY = "—";
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? "";
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      ...(timeZone ? { timeZone } : {}),
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(key, f);
  }
  return f;
}

/** Turns an Instant into a valid Date, or null. */
export function toDate(value: Instant | null | undefined): Date | null {
  if (value === null || value === undefined || value === "") return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

interface Parts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

function parts(d: Date, timeZone: string | undefined): Parts {
  const out: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(d)) out[p.type] = p.value;
  const year = (out.year ?? "").padStart(4, "0");
  // Some engines print midnight as "24" even with h23; normalise it.
  const hour = out.hour === "24" ? "00" : (out.hour ?? "00");
  return {
    year,
    month: out.month ?? "",
    day: out.day ?? "",
    hour,
    minute: out.minute ?? "",
    second: out.second ?? "",
  };
}

/** "2026-11-27 14:03:05" */
export function formatDateTime(value: Instant | null | undefined, opts: FormatOptions = {}): string {
  const d = toDate(value);
  if (!d) return opts.empty ?? EMPTY;
  const p = parts(d, opts.timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** "2026-11-27" */
export function formatDate(value: Instant | null | undefined, opts: FormatOptions = {}): string {
  const d = toDate(value);
  if (!d) return opts.empty ?? EMPTY;
  const p = parts(d, opts.timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** "14:03:05" */
export function formatTime(value: Instant | null | undefined, opts: FormatOptions = {}): string {
  const d = toDate(value);
  if (!d) return opts.empty ?? EMPTY;
  const p = parts(d, opts.timeZone);
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** A machine-readable value for <time dateTime=…>, or undefined. */
export function isoOf(value: Instant | null | undefined): string | undefined {
  return toDate(value)?.toISOString();
}

/** The browser's IANA zone name, e.g. "Europe/Oslo", for labels. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
