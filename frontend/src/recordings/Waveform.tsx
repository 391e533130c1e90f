import type { Waveform as WaveformData } from "../api/recordings";
import { formatDuration } from "../format/units";
import { clampPeak, peakDb, waveformBars } from "./waveform";

const W = 768;
const H = 96;

/** The recording's overview waveform, drawn as SVG bars from its peaks. */
export function Waveform({
  data,
  durationSeconds,
  progress,
}: {
  data: WaveformData | null | undefined;
  durationSeconds?: number;
  /** Playback position 0..1, drawn as a line. */
  progress?: number | undefined;
}) {
  const peaks = data?.peaks ?? [];
  if (peaks.length === 0) return <p className="muted">No waveform yet.</p>;
  const bars = waveformBars(peaks, W, H);
  const max = peaks.reduce((m, p) => Math.max(m, clampPeak(p)), 0);
  const label = `Waveform of ${formatDuration(durationSeconds)}, ${peaks.length} peaks, loudest ${peakDb(max)}`;
  return (
    <figure className="waveform">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={label}
        className="waveform__svg"
      >
        <line x1={0} x2={W} y1={H / 2} y2={H / 2} className="waveform__axis" />
        {bars.map((b, i) => (
          <rect key={i} x={b.x} y={b.y} width={b.width} height={b.height} className="waveform__bar" />
        ))}
        {progress !== undefined && progress > 0 ? (
          <line x1={progress * W} x2={progress * W} y1={0} y2={H} className="waveform__cursor" />
        ) : null}
      </svg>
      <figcaption className="muted">{label}</figcaption>
    </figure>
  );
}
