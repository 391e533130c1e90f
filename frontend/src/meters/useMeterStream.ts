// Live meters of one node over the console WebSocket (/api/v1/ws): subscribe
// to meters:<nodeId>, keep the latest level and a peak-hold marker per
// channel, mark channels stale after STALE_AFTER_MS without a frame, and
// reconnect with exponential back-off.

import { useEffect, useRef, useState } from "react";
import type { LevelFrame, MeterFrameResponse } from "../api/schema.gen";
import { API_BASE } from "../api/client";
import { STALE_AFTER_MS, updatePeakHold } from "./scale";
import type { PeakHold } from "./scale";

/** One channel of the bank. */
export interface ChannelMeter {
  interfaceId: string;
  channelIndex: number;
  label: string;
  level: LevelFrame;
  /** When the last frame for this channel arrived (ms since epoch, local clock). */
  receivedAt: number;
  peak: PeakHold;
  /** The controller said the frame was stale (seeded from GET /meters). */
  seededStale: boolean;
}

/** Where the socket is. */
export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

/** What useMeterStream returns. */
export interface MeterStream {
  channels: ChannelMeter[];
  connection: ConnectionState;
  /** Local time the view was last refreshed at; pass it to isStale. */
  now: number;
  /** Last error message from the server, if any. */
  error: string | null;
}

/** True when the channel has had no fresh frame for STALE_AFTER_MS. */
export function isStale(ch: ChannelMeter, now: number): boolean {
  return ch.seededStale || now - ch.receivedAt >= STALE_AFTER_MS;
}

/** The subset of WebSocket the hook uses, so tests can pass a fake. */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}

/** Creates a socket: (url, protocols) like the WebSocket constructor. */
export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

/** Options of useMeterStream. */
export interface MeterStreamOptions {
  /** Frames from GET /nodes/:id/meters to start from. */
  seed?: MeterFrameResponse[] | undefined;
  createSocket?: SocketFactory;
  /** Base back-off; doubles per failed attempt up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How often the view refreshes for staleness and falling peaks. */
  tickMs?: number;
}

/** ws(s)://<host>/api/v1/ws for the page's origin. */
export function socketUrl(loc: Pick<Location, "protocol" | "host"> = window.location): string {
  return `${loc.protocol === "https:" ? "wss" : "ws"}://${loc.host}${API_BASE}/ws`;
}

const defaultFactory: SocketFactory = (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike;

function keyOf(interfaceId: string, index: number): string {
  return `${interfaceId}#${index}`;
}

/** Merges one frame into the channel map (a new Map; old one untouched). */
export function applyFrame(
  prev: ReadonlyMap<string, ChannelMeter>,
  frame: { interfaceId?: string | undefined; levels?: LevelFrame[] | undefined },
  receivedAt: number,
  seededStale = false,
): Map<string, ChannelMeter> {
  const next = new Map(prev);
  const iface = frame.interfaceId ?? "";
  for (const level of frame.levels ?? []) {
    const k = keyOf(iface, level.channelIndex);
    const old = next.get(k);
    next.set(k, {
      interfaceId: iface,
      channelIndex: level.channelIndex,
      label: level.label,
      level,
      receivedAt,
      peak: updatePeakHold(old?.peak ?? null, level.peakDbfs, receivedAt),
      seededStale,
    });
  }
  return next;
}

function sorted(map: ReadonlyMap<string, ChannelMeter>): ChannelMeter[] {
  return [...map.values()].sort((a, b) =>
    a.interfaceId === b.interfaceId ? a.channelIndex - b.channelIndex : a.interfaceId < b.interfaceId ? -1 : 1,
  );
}

/**
 * Streams the meters of `nodeId` with the bearer `token`; no socket while
 * either is null.
 */
export function useMeterStream(
  nodeId: string | null,
  token: string | null,
  opts: MeterStreamOptions = {},
): MeterStream {
  const { seed, createSocket = defaultFactory, backoffMs = 1000, maxBackoffMs = 30_000, tickMs = 250 } = opts;
  const [map, setMap] = useState<Map<string, ChannelMeter>>(() => new Map());
  const [connection, setConnection] = useState<ConnectionState>("closed");
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const factoryRef = useRef(createSocket);
  factoryRef.current = createSocket;

  // Reset when the node changes (before seeding, which runs next).
  useEffect(() => {
    setMap(new Map());
    setError(null);
  }, [nodeId]);

  // Seed from the REST snapshot; a frame stamped stale stays stale until a live one arrives.
  useEffect(() => {
    if (!seed) return;
    const t = Date.now();
    setMap((prev) => {
      let next = new Map(prev);
      for (const f of seed) {
        const age = Number.isFinite(f.ageSeconds) ? f.ageSeconds * 1000 : 0;
        next = applyFrame(next, f, t - age, f.stale);
      }
      return next;
    });
  }, [seed]);

  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), tickMs);
    return () => clearInterval(id);
  }, [tickMs]);

  useEffect(() => {
    if (!nodeId || !token) {
      setConnection("closed");
      return;
    }
    const topic = `meters:${nodeId}`;
    let socket: SocketLike | null = null;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let disposed = false;

    const connect = () => {
      if (disposed) return;
      setConnection(attempt === 0 ? "connecting" : "reconnecting");
      let s: SocketLike;
      try {
        s = factoryRef.current(socketUrl(), ["rakkr.v1", `bearer.${token}`]);
      } catch {
        scheduleReconnect();
        return;
      }
      socket = s;
      s.onopen = () => {
        attempt = 0;
        setConnection("open");
        s.send(JSON.stringify({ type: "subscribe", topic }));
      };
      s.onmessage = (ev) => {
        let msg: unknown;
        try {
          msg = JSON.parse(String(ev.data));
        } catch {
          return;
        }
        if (typeof msg !== "object" || msg === null) return;
        const m = msg as { type?: string; topic?: string; frame?: MeterFrameResponse; message?: string };
        if (m.type === "meter" && m.topic === topic && m.frame) {
          const frame = m.frame;
          const t = Date.now();
          setMap((prev) => applyFrame(prev, frame, t));
          setNow(t);
        } else if (m.type === "error") {
          setError(typeof m.message === "string" ? m.message : "The meter stream reported an error.");
        }
      };
      s.onerror = () => {
        /* onclose follows */
      };
      s.onclose = () => {
        if (socket === s) socket = null;
        scheduleReconnect();
      };
    };

    const scheduleReconnect = () => {
      if (disposed) return;
      setConnection("reconnecting");
      const delay = Math.min(maxBackoffMs, backoffMs * 2 ** attempt);
      attempt += 1;
      timer = setTimeout(connect, delay);
    };

    connect();
    return () => {
      disposed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (socket) {
        socket.onclose = null;
        socket.onmessage = null;
        socket.onopen = null;
        socket.close(1000, "unsubscribe");
      }
      setConnection("closed");
    };
  }, [nodeId, token, backoffMs, maxBackoffMs]);

  return { channels: sorted(map), connection, now, error };
}
