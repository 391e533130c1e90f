// A From/To time filter typed as "YYYY-MM-DD HH:MM" (year first, 24-hour,
// local time) instead of <input type="datetime-local">, which browsers show in
// their own locale (e.g. mm/dd/yyyy with AM/PM).

import { useState } from "react";
import type { KeyboardEvent } from "react";
import { DATETIME_INPUT_FORMAT, formatDateTimeInput, parseDateTimeInput } from "../format/datetimeInput";
import { TextField } from "./ui";

/**
 * `value` and `onChange` use the stored form "YYYY-MM-DDTHH:MM" (local time,
 * the datetime-local format), or "" for no filter. The text is checked on blur
 * and Enter: a valid entry is normalised and passed on (only when it changes
 * the filter), an invalid one shows an error and leaves the filter alone.
 * Escape puts back the current filter.
 */
export function DateTimeFilter({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const [text, setText] = useState(() => formatDateTimeInput(value));
  const [error, setError] = useState<string | null>(null);
  // Follow changes of the filter made elsewhere (e.g. "Clear filters", Back).
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setText(formatDateTimeInput(value));
    setError(null);
  }

  const commit = () => {
    const r = parseDateTimeInput(text);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    setText(formatDateTimeInput(r.value));
    if (r.value !== value) onChange(r.value);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      commit();
    } else if (e.key === "Escape" && (error || text !== formatDateTimeInput(value))) {
      e.preventDefault();
      setText(formatDateTimeInput(value));
      setError(null);
    }
  };

  return (
    <TextField
      label={label}
      value={text}
      onChange={setText}
      placeholder={DATETIME_INPUT_FORMAT}
      description={`Format ${DATETIME_INPUT_FORMAT}, 24-hour clock, local time. A date alone means 00:00.`}
      autoComplete="off"
      spellCheck={false}
      error={error}
      onBlur={commit}
      onKeyDown={onKeyDown}
    />
  );
}
