import { describe, expect, it } from "vitest";
import { dbToFraction, formatDb, peakHoldValue, updatePeakHold, PEAK_HOLD_MS } from "./scale";

describe("dbToFraction", () => {
  it("maps the floor to 0 and 0 dBFS to 1, clamping outside", () => {
    expect(dbToFraction(-60)).toBe(0);
    expect(dbToFraction(-90)).toBe(0);
    expect(dbToFraction(-Infinity)).toBe(0);
    expect(dbToFraction(Number.NaN)).toBe(0);
    expect(dbToFraction(0)).toBe(1);
    expect(dbToFraction(6)).toBe(1);
  });

  it("is monotonic and gives the top of the scale more room (log-ish)", () => {
    let prev = -1;
    for (let db = -60; db <= 0; db += 0.5) {
      const f = dbToFraction(db);
      expect(f).toBeGreaterThanOrEqual(prev);
      prev = f;
    }
    // The top 20 dB take about half the bar; the bottom 20 dB much less.
    expect(dbToFraction(-20)).toBeCloseTo(0.49, 1);
    expect(dbToFraction(-40)).toBeLessThan(0.2);
  });

  it("formats dBFS with a minus sign and −∞ for silence", () => {
    expect(formatDb(-12.34)).toBe("−12.3");
    expect(formatDb(-Infinity)).toBe("−∞");
    expect(formatDb(-120)).toBe("−∞");
  });
});

describe("peak hold", () => {
  it("holds a peak for 1.5 s, then falls", () => {
    const h = updatePeakHold(null, -6, 1000);
    expect(peakHoldValue(h, 1000 + PEAK_HOLD_MS)).toBe(-6);
    expect(peakHoldValue(h, 1000 + PEAK_HOLD_MS + 500)).toBeCloseTo(-16, 5);
  });

  it("keeps the marker for a lower reading and resets it for a higher one", () => {
    const h = updatePeakHold(null, -6, 0);
    expect(updatePeakHold(h, -20, 500)).toBe(h);
    const higher = updatePeakHold(h, -3, 600);
    expect(higher).toEqual({ db: -3, at: 600 });
    // Once the held marker has fallen below a new reading, the reading takes over.
    expect(updatePeakHold(h, -20, 3000)).toEqual({ db: -20, at: 3000 });
  });

  it("has no marker before the first reading", () => {
    expect(peakHoldValue(null, 0)).toBe(-Infinity);
  });
});
