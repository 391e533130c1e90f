// A bank of live channel meters for one node, drawn with divs and CSS.

import { useQuery } from "@tanstack/react-query";
import { useSession } from "../auth/session";
import { fetchNodeMeters } from "../api/fleet";
import type { Node } from "../api/fleet";
import { dbToFraction, formatDb, peakHoldValue } from "./scale";
import { isStale, useMeterStream } from "./useMeterStream";
import type { MeterStreamOptions } from "./useMeterStream";
import type { ChannelMeter } from "./useMeterStream";

const CONNECTION_LABEL = {
  connecting: "Connecting…",
  open: "Live",
  reconnecting: "Reconnecting…",
  closed: "Disconnected",
} as const;

/** One channel strip. */
export function ChannelStrip({ ch, now, alias }: { ch: ChannelMeter; now: number; alias?: string | undefined }) {
  const stale = isStale(ch, now);
  const rms = ch.level.rmsDbfs;
  const peak = peakHoldValue(ch.peak, now);
  // Channel indexes are 1-based on the wire; an operator's alias wins over the device label.
  const name = alias || ch.label || `Ch ${ch.channelIndex}`;
  return (
    <li className={`meter${stale ? " meter--stale" : ""}`} aria-label={`${name}${stale ? " (stale)" : ""}`}>
      <div className="meter__name" title={ch.interfaceId}>
        {name}
      </div>
      <div
        className="meter__track"
        role="meter"
        aria-label={`${name} RMS level`}
        aria-valuemin={-60}
        aria-valuemax={0}
        aria-valuenow={Number.isFinite(rms) ? Math.max(-60, Math.min(0, rms)) : -60}
        aria-valuetext={`${formatDb(rms)} dBFS`}
      >
        <div className="meter__fill" style={{ height: `${(dbToFraction(rms) * 100).toFixed(1)}%` }} />
        {Number.isFinite(peak) ? (
          <div
            className="meter__peak"
            data-testid="peak-marker"
            style={{ bottom: `${(dbToFraction(peak) * 100).toFixed(1)}%` }}
          />
        ) : null}
      </div>
      <div className="meter__value">{formatDb(rms)}</div>
      <div className="meter__lamps">
        <span
          className={`lamp lamp--clip${ch.level.clipping && !stale ? " lamp--on" : ""}`}
          title={ch.level.clipping ? "Clipping" : "Not clipping"}
        >
          CLIP
        </span>
        <span
          className={`lamp lamp--speech${ch.level.quality.speechLike && !stale ? " lamp--on" : ""}`}
          title={ch.level.quality.speechLike ? "Speech detected" : "No speech"}
        >
          SPEECH
        </span>
      </div>
      {stale ? <div className="meter__stale">stale</div> : null}
    </li>
  );
}

/** Live meters of a node: seeded from GET /nodes/:id/meters, then streamed. */
export function MeterBank({
  nodeId,
  node,
  streamOptions,
}: {
  nodeId: string;
  /** The node, when known, for channel aliases. */
  node?: Node | undefined;
  streamOptions?: MeterStreamOptions;
}) {
  const aliases = new Map<string, string>();
  for (const i of node?.interfaces ?? []) for (const c of i.channels) if (c.alias) aliases.set(`${i.id}#${c.index}`, c.alias);
  const { token } = useSession();
  const seed = useQuery({
    queryKey: ["nodes", nodeId, "meters"],
    queryFn: ({ signal }) => fetchNodeMeters(nodeId, signal),
    // Only the first snapshot matters; the socket keeps the bank current after that.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const stream = useMeterStream(nodeId, token?.token ?? null, { ...streamOptions, seed: seed.data?.frames });
  return (
    <div className="meterbank">
      <p className="meterbank__status muted" role="status">
        <span className={`dot dot--${stream.connection}`} aria-hidden="true" /> {CONNECTION_LABEL[stream.connection]}
        {stream.error ? ` — ${stream.error}` : ""}
      </p>
      {seed.isError ? <p className="notice notice--error">{seed.error.message}</p> : null}
      {stream.channels.length === 0 ? (
        <p className="muted">{seed.isPending ? "Loading meters…" : "No meter frames from this node yet."}</p>
      ) : (
        <ul className="meterbank__strips" aria-label="Channel meters">
          {stream.channels.map((ch) => (
            <ChannelStrip
              key={`${ch.interfaceId}#${ch.channelIndex}`}
              ch={ch}
              now={stream.now}
              alias={aliases.get(`${ch.interfaceId}#${ch.channelIndex}`)}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
