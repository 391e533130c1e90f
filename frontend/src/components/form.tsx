// The closing row of a dialog form: the submit button (showing progress
// while pending) and Cancel.

/** "Save"-style submit plus Cancel; the submit is disabled while `pending` or when `disabled`. */
export function SubmitRow({
  label,
  pendingLabel = "Saving…",
  pending,
  disabled,
  onCancel,
}: {
  label: string;
  pendingLabel?: string;
  pending: boolean;
  disabled?: boolean;
  onCancel: () => void;
}) {
  return (
    <div className="row">
      <button type="submit" className="button button--primary" disabled={pending || disabled}>
        {pending ? pendingLabel : label}
      </button>
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
