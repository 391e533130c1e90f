import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { levelFixture } from "../test/fixtures";
import { ChannelStrip } from "./MeterBank";
import { dbToFraction, PEAK_HOLD_MS } from "./scale";
import type { ChannelMeter } from "./useMeterStream";

function meter(over: Partial<ChannelMeter> = {}): ChannelMeter {
  return {
    interfaceId: "if-1",
    channelIndex: 1,
    label: "In 1",
    level: levelFixture({ rmsDbfs: -20, peakDbfs: -6, clipping: true }),
    receivedAt: 1000,
    peak: { db: -3, at: 1000 },
    seededStale: false,
    ...over,
  };
}

describe("ChannelStrip", () => {
  it("draws the RMS bar, the held peak, the clip lamp and the speech lamp", () => {
    render(
      <ul>
        <ChannelStrip ch={meter()} now={1500} alias="Host" />
      </ul>,
    );
    const strip = screen.getByRole("listitem", { name: "Host" });
    const fill = strip.querySelector<HTMLElement>(".meter__fill")!;
    expect(fill.style.height).toBe(`${(dbToFraction(-20) * 100).toFixed(1)}%`);
    expect(screen.getByTestId("peak-marker").style.bottom).toBe(`${(dbToFraction(-3) * 100).toFixed(1)}%`);
    expect(screen.getByText("CLIP").className).toContain("lamp--on");
    expect(screen.getByText("SPEECH").className).toContain("lamp--on");
    expect(screen.queryByText("stale")).toBeNull();
  });

  it("lets the peak marker fall after the hold time", () => {
    render(
      <ul>
        <ChannelStrip ch={meter()} now={1000 + PEAK_HOLD_MS + 500} />
      </ul>,
    );
    // 0.5 s after the hold at 20 dB/s: −3 − 10 = −13 dBFS.
    expect(screen.getByTestId("peak-marker").style.bottom).toBe(`${(dbToFraction(-13) * 100).toFixed(1)}%`);
  });

  it("greys out and labels a stale channel, with the lamps off", () => {
    render(
      <ul>
        <ChannelStrip ch={meter()} now={5000} />
      </ul>,
    );
    const strip = screen.getByRole("listitem", { name: "In 1 (stale)" });
    expect(strip.className).toContain("meter--stale");
    expect(screen.getByText("stale")).toBeTruthy();
    expect(screen.getByText("CLIP").className).not.toContain("lamp--on");
  });
});
