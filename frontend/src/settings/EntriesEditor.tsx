// The entries table of the channel-map template form: source → output,
// label and included per channel, with Remove and Add entry.

import type { Dispatch, SetStateAction } from "react";
import type { MapEntry } from "../api/recordings";
import { TableHead } from "../components/table";
import { num } from "./common";

/** An entry with every field set, for the editor. */
export type EditableEntry = Required<MapEntry>;

/** A stored entry for the editor (absent output: the source's position; absent label: none). */
export function editable(e: MapEntry): EditableEntry {
  return {
    sourceChannelIndex: e.sourceChannelIndex,
    outputChannelIndex: e.outputChannelIndex || e.sourceChannelIndex,
    label: e.label ?? "",
    included: e.included,
  };
}

/** Default entries for `count` channels: 1→1, 2→2 … all included. */
export function identityEntries(count: number): EditableEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    sourceChannelIndex: i + 1,
    outputChannelIndex: i + 1,
    label: `Ch ${i + 1}`,
    included: true,
  }));
}

/** The next entry: one past the highest channel in use. */
function nextEntry(es: readonly EditableEntry[]): EditableEntry {
  const n = es.reduce((m, e) => Math.max(m, e.sourceChannelIndex, e.outputChannelIndex), 0) + 1;
  return { sourceChannelIndex: n, outputChannelIndex: n, label: `Ch ${n}`, included: true };
}

/** Edits `entries` in place of the form's state. */
export function EntriesEditor({ entries, setEntries }: { entries: EditableEntry[]; setEntries: Dispatch<SetStateAction<EditableEntry[]>> }) {
  const setEntry = (i: number, patch: Partial<EditableEntry>) =>
    setEntries((es) => es.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  return (
    <>
      <table className="table" aria-label="Entries">
        <TableHead columns={["Source", "Output", "Label", "Included"]} hidden="Remove" />
        <tbody>
          {entries.map((e, i) => (
            <tr key={i}>
              <td>
                <input
                  type="number"
                  min={1}
                  aria-label={`Entry ${i + 1} source channel`}
                  value={e.sourceChannelIndex}
                  onChange={(ev) => setEntry(i, { sourceChannelIndex: num(ev.target.value) })}
                  className="input--narrow"
                />
              </td>
              <td>
                <input
                  type="number"
                  min={1}
                  aria-label={`Entry ${i + 1} output channel`}
                  value={e.outputChannelIndex}
                  onChange={(ev) => setEntry(i, { outputChannelIndex: num(ev.target.value) })}
                  className="input--narrow"
                />
              </td>
              <td>
                <input aria-label={`Entry ${i + 1} label`} value={e.label} onChange={(ev) => setEntry(i, { label: ev.target.value })} />
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Entry ${i + 1} included`}
                  checked={e.included}
                  onChange={(ev) => setEntry(i, { included: ev.target.checked })}
                />
              </td>
              <td>
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Remove entry ${i + 1}`}
                  onClick={() => setEntries((es) => es.filter((_, j) => j !== i))}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button type="button" className="button" onClick={() => setEntries((es) => [...es, nextEntry(es)])}>
          Add entry
        </button>
      </div>
    </>
  );
}
