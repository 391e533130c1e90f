import { THEME_CHOICES, useTheme } from "../theme/theme";
import type { ThemeChoice } from "../theme/theme";

const LABELS: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };

/** A three-way radio group: follow the system, light or dark. */
export function ThemeToggle() {
  const [choice, setChoice] = useTheme();
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">Theme</legend>
      {THEME_CHOICES.map((c) => (
        <label key={c}>
          <input
            type="radio"
            name="rakkr-theme"
            value={c}
            checked={choice === c}
            onChange={() => setChoice(c)}
          />
          <span>{LABELS[c]}</span>
        </label>
      ))}
    </fieldset>
  );
}
