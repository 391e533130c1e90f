import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { DateTimeFilter } from "./DateTimeFilter";

function field() {
  return screen.getByLabelText("From") as HTMLInputElement;
}

function type(text: string, how: "blur" | "enter" = "blur") {
  const input = field();
  fireEvent.change(input, { target: { value: text } });
  if (how === "enter") fireEvent.keyDown(input, { key: "Enter" });
  else fireEvent.blur(input);
}

/** The component under a parent that stores what it emits, like the pages do. */
function Stateful({ initial = "", onChange }: { initial?: string; onChange: (v: string) => void }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <DateTimeFilter
        label="From"
        value={value}
        onChange={(v) => {
          onChange(v);
          setValue(v);
        }}
      />
      <button type="button" onClick={() => setValue("")}>
        Clear filters
      </button>
    </>
  );
}

describe("DateTimeFilter", () => {
  it("is a labelled text field with the format as placeholder and description", () => {
    render(<DateTimeFilter label="From" value="" onChange={() => {}} />);
    const input = field();
    expect(input.type).toBe("text");
    expect(input.placeholder).toBe("YYYY-MM-DD HH:MM");
    expect(input.getAttribute("aria-invalid")).toBeNull();
    const described = document.getElementById(input.getAttribute("aria-describedby") ?? "");
    expect(described?.textContent).toContain("YYYY-MM-DD HH:MM, 24-hour");
  });

  it("shows a stored value year first, 24-hour", () => {
    render(<DateTimeFilter label="From" value="2026-11-27T14:03" onChange={() => {}} />);
    expect(field().value).toBe("2026-11-27 14:03");
  });

  it("passes a valid entry on in the stored format on blur and normalises the text", () => {
    const onChange = vi.fn();
    render(<Stateful onChange={onChange} />);
    type("  2026-11-27T08:00 ");
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith("2026-11-27T08:00");
    expect(field().value).toBe("2026-11-27 08:00");
  });

  it("passes a valid entry on with Enter; a date alone means 00:00", () => {
    const onChange = vi.fn();
    render(<Stateful onChange={onChange} />);
    type("2026-11-27", "enter");
    expect(onChange).toHaveBeenCalledWith("2026-11-27T00:00");
    expect(field().value).toBe("2026-11-27 00:00");
  });

  it("shows an announced error for an impossible date and leaves the filter alone", () => {
    const onChange = vi.fn();
    render(<Stateful initial="2026-11-27T08:00" onChange={onChange} />);
    type("2026-02-30 10:00");
    expect(onChange).not.toHaveBeenCalled();
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toBe("2026-02-30 is not a valid date.");
    const input = field();
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")?.split(" ")).toContain(alert.id);
    expect(input.value).toBe("2026-02-30 10:00");
  });

  it("shows an error for an impossible time or a wrong shape on Enter", () => {
    const onChange = vi.fn();
    render(<Stateful onChange={onChange} />);
    type("2026-11-27 24:61", "enter");
    expect(screen.getByRole("alert").textContent).toBe("24:61 is not a valid time (00:00–23:59).");
    type("11/27/2026 2:00 PM", "enter");
    expect(screen.getByRole("alert").textContent).toBe("Enter the date and time as YYYY-MM-DD HH:MM (24-hour).");
    expect(onChange).not.toHaveBeenCalled();
  });

  it("clears the error once a valid value is entered", () => {
    const onChange = vi.fn();
    render(<Stateful onChange={onChange} />);
    type("2026-02-30");
    expect(screen.queryByRole("alert")).not.toBeNull();
    type("2026-02-28 23:59");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(field().getAttribute("aria-invalid")).toBeNull();
    expect(onChange).toHaveBeenCalledWith("2026-02-28T23:59");
  });

  it("clearing the text removes the filter", () => {
    const onChange = vi.fn();
    render(<Stateful initial="2026-11-27T08:00" onChange={onChange} />);
    type("   ");
    expect(onChange).toHaveBeenCalledWith("");
    expect(field().value).toBe("");
  });

  it("does not call onChange when the value is unchanged", () => {
    const onChange = vi.fn();
    render(<Stateful initial="2026-11-27T08:00" onChange={onChange} />);
    type("2026-11-27T08:00");
    fireEvent.blur(field());
    expect(onChange).not.toHaveBeenCalled();
    expect(field().value).toBe("2026-11-27 08:00");
  });

  it("Escape puts back the current filter", () => {
    const onChange = vi.fn();
    render(<Stateful initial="2026-11-27T08:00" onChange={onChange} />);
    type("2026-02-30");
    fireEvent.keyDown(field(), { key: "Escape" });
    expect(field().value).toBe("2026-11-27 08:00");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(onChange).not.toHaveBeenCalled();
  });

  it("follows a filter cleared elsewhere, dropping a pending error", () => {
    render(<Stateful initial="2026-11-27T08:00" onChange={() => {}} />);
    type("2026-13-01");
    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(field().value).toBe("");
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
