// Scaling a recording's waveform peaks (0..1, at most 256) to an SVG area.

/** Clamps a peak to 0..1; NaN and missing values are 0. */
export function clampPeak(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

/**
 * Reduces (by max) or keeps `peaks` so that at most `columns` remain; each
 * output column is the largest peak of its share of the input.
 */
export function resamplePeaks(peaks: readonly number[], columns: number): number[] {
  const n = peaks.length;
  if (n === 0 || columns <= 0) return [];
  if (n <= columns) return peaks.map(clampPeak);
  const out: number[] = [];
  for (let c = 0; c < columns; c++) {
    const start = Math.floor((c * n) / columns);
    const end = Math.max(start + 1, Math.floor(((c + 1) * n) / columns));
    let m = 0;
    for (let i = start; i < end; i++) m = Math.max(m, clampPeak(peaks[i]));
    out.push(m);
  }
  return out;
}

/** One vertical bar of the drawing, centred on the mid-line. */
export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Bars for peaks in a width × height box: one column per peak, mirrored
 * around the middle, at least `minHeight` tall so silence stays visible.
 */
export function waveformBars(peaks: readonly number[], width: number, height: number, minHeight = 1): Bar[] {
  const cols = resamplePeaks(peaks, Math.max(1, Math.floor(width)));
  if (cols.length === 0) return [];
  const step = width / cols.length;
  const barWidth = Math.max(0.5, step * 0.8);
  const mid = height / 2;
  return cols.map((p, i) => {
    const h = Math.min(height, Math.max(minHeight, p * height));
    return { x: i * step + (step - barWidth) / 2, y: mid - h / 2, width: barWidth, height: h };
  });
}

/** Peak as dBFS text for labels ("−∞" for 0). */
export function peakDb(p: number): string {
  const v = clampPeak(p);
  if (v === 0) return "−∞ dBFS";
  return `${(20 * Math.log10(v)).toFixed(1).replace("-", "−")} dBFS`;
}
