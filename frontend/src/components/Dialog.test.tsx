import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { Dialog } from "./ui";

function renderDialog(onClose = vi.fn()) {
  render(
    <>
      <button type="button">Outside</button>
      <Dialog title="Record" onClose={onClose}>
        <label>
          Name <input aria-label="Name" />
        </label>
        <button type="button" disabled>
          Disabled
        </button>
        <button type="button">Start</button>
      </Dialog>
    </>,
  );
  return onClose;
}

describe("Dialog", () => {
  it("moves focus inside and keeps Tab within the dialog", () => {
    renderDialog();
    const name = screen.getByLabelText("Name");
    const start = screen.getByRole("button", { name: "Start" });
    expect(document.activeElement).toBe(name);
    start.focus();
    fireEvent.keyDown(start, { key: "Tab" });
    expect(document.activeElement).toBe(name);
    fireEvent.keyDown(name, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(start);
  });

  it("closes on Escape", () => {
    const onClose = renderDialog();
    fireEvent.keyDown(screen.getByLabelText("Name"), { key: "Escape" });
    expect(onClose).toHaveBeenCalledOnce();
  });
});
