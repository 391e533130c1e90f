// Pieces shared by the settings sections: channel-mode labels, number
// parsing for inputs and the Edit / Delete buttons of a table row.

import { CHANNEL_MODES } from "../api/recordings";
import { PermButton } from "../components/ui";
import { ConfirmDialogButton } from "../recordings/controls";

/** A channel mode as people read it ("dual_mono" → "dual mono"). */
export const modeLabel = (mode: string) => mode.replaceAll("_", " ");

/** The channel modes as select options. */
export const MODE_OPTIONS = CHANNEL_MODES.map((m): [string, string] => [m, modeLabel(m)]);

/** Numbers from a text field ("" → 0). */
export const num = (v: string) => (v.trim() === "" ? 0 : Number(v));

/** A row's Edit and Delete (with confirmation) buttons, both needing settings:manage. */
export function EditDeleteButtons({
  kind,
  name,
  onEdit,
  remove,
  onDeleted,
}: {
  /** What the row is, in lower case ("profile", "template"). */
  kind: string;
  name: string;
  onEdit: () => void;
  remove: () => Promise<unknown>;
  onDeleted: () => void;
}) {
  return (
    <>
      <PermButton permission="settings:manage" className="button button--small" aria-label={`Edit ${kind} ${name}`} onClick={onEdit}>
        Edit
      </PermButton>{" "}
      <ConfirmDialogButton
        permission="settings:manage"
        label="Delete"
        ariaLabel={`Delete ${kind} ${name}`}
        title={`Delete ${kind}`}
        question={
          <p>
            Delete the {kind} {name}?
          </p>
        }
        confirmLabel="Delete"
        danger
        small
        action={remove}
        onDone={onDeleted}
      />
    </>
  );
}
