// Typed date-time entry for filters: year first, 24-hour clock, local time.
//
// What the operator types and sees: "2026-11-27 14:03".
// What the pages store (and the URL holds): "2026-11-27T14:03", the format
// of an <input type="datetime-local">, which the API helpers turn into
// RFC 3339 UTC (localToRfc3339 in api/recordings.ts, toRfc3339 in AuditPage).
//
// Accepted input (surrounding whitespace ignored):
//   YYYY-MM-DD HH:MM   (one or more spaces between date and time)
//   YYYY-MM-DDTHH:MM   (also a lower-case "t")
//   YYYY-MM-DD         (meaning 00:00)
//   ""                 (no filter)
// Two-digit month, day, hour and minute; hours 00–23, minutes 00–59; the day
// must exist in that month (leap years included).

/** The placeholder and the shape the field shows. */
export const DATETIME_INPUT_FORMAT = "YYYY-MM-DD HH:MM";

/** The outcome of reading typed text: the stored value ("" = no filter) or why it is refused. */
export type DateTimeInputResult = { ok: true; value: string } | { ok: false; error: string };

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})(?:(?:\s+|[Tt])(\d{2}):(\d{2}))?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Reads a typed date-time. A valid one gives the stored form
 * "YYYY-MM-DDTHH:MM"; empty or blank text gives "" (clear the filter).
 */
export function parseDateTimeInput(text: string): DateTimeInputResult {
  const t = text.trim();
  if (!t) return { ok: true, value: "" };
  const m = SHAPE.exec(t);
  if (!m) return { ok: false, error: `Enter the date and time as ${DATETIME_INPUT_FORMAT} (24-hour).` };
  const [, y = "", mo = "", d = "", h = "00", mi = "00"] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, error: `${y}-${mo}-${d} is not a valid date.` };
  }
  if (Number(h) > 23 || Number(mi) > 59) {
    return { ok: false, error: `${h}:${mi} is not a valid time (00:00–23:59).` };
  }
  return { ok: true, value: `${y}-${mo}-${d}T${h}:${mi}` };
}

/** A stored value as the field shows it ("2026-11-27 14:03"); text it cannot read is shown as is. */
export function formatDateTimeInput(stored: string): string {
  const r = parseDateTimeInput(stored);
  return r.ok ? r.value.replace("T", " ") : stored;
}
