import { describe, expect, it } from "vitest";
import { clampPeak, peakDb, resamplePeaks, waveformBars } from "./waveform";

describe("waveform scaling", () => {
  it("clamps peaks to 0..1", () => {
    expect(clampPeak(-0.5)).toBe(0);
    expect(clampPeak(1.5)).toBe(1);
    expect(clampPeak(Number.NaN)).toBe(0);
    expect(clampPeak("x")).toBe(0);
    expect(clampPeak(0.25)).toBe(0.25);
  });

  it("keeps peaks when they fit and reduces by max when they do not", () => {
    expect(resamplePeaks([0.1, 2, -1], 10)).toEqual([0.1, 1, 0]);
    expect(resamplePeaks([0.1, 0.9, 0.2, 0.3], 2)).toEqual([0.9, 0.3]);
    expect(resamplePeaks([0.1, 0.5, 0.2], 1)).toEqual([0.5]);
    expect(resamplePeaks([], 5)).toEqual([]);
    expect(resamplePeaks(new Array(256).fill(0.5), 100)).toHaveLength(100);
  });

  it("draws bars mirrored around the middle, scaled to the height", () => {
    const bars = waveformBars([0, 0.5, 1], 30, 100);
    expect(bars).toHaveLength(3);
    expect(bars[0]).toMatchObject({ height: 1, y: 49.5 });
    expect(bars[1]).toMatchObject({ height: 50, y: 25 });
    expect(bars[2]).toMatchObject({ height: 100, y: 0 });
    // Evenly spaced, inside the box.
    expect(bars[1]!.x).toBeCloseTo(10 + 1, 5);
    for (const b of bars) expect(b.x + b.width).toBeLessThanOrEqual(30);
  });

  it("labels peaks in dBFS", () => {
    expect(peakDb(1)).toBe("0.0 dBFS");
    expect(peakDb(0.5)).toBe("−6.0 dBFS");
    expect(peakDb(0)).toBe("−∞ dBFS");
  });
});
