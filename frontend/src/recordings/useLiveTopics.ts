// Refreshes recording and job queries when the controller pushes a change
// on the console WebSocket (topics "recordings" and "jobs"); the pages keep
// polling as a fallback, so a closed socket only makes them slower.

import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useSession } from "../auth/session";
import { socketUrl } from "../meters/useMeterStream";
import type { SocketFactory, SocketLike } from "../meters/useMeterStream";

/** Query keys refreshed by a message on each topic. */
export const TOPIC_KEYS: Record<string, readonly (readonly string[])[]> = {
  recordings: [["recordings"]],
  jobs: [["jobs"], ["recordings"]],
};

/** The topic of a server message when it is a push on one of `topics`, else null. */
export function pushedTopic(data: unknown, topics: readonly string[]): string | null {
  let msg: unknown;
  try {
    msg = typeof data === "string" ? JSON.parse(data) : data;
  } catch {
    return null;
  }
  if (typeof msg !== "object" || msg === null) return null;
  const m = msg as { type?: unknown; topic?: unknown };
  if (typeof m.topic !== "string" || !topics.includes(m.topic)) return null;
  if (m.type === "subscribed" || m.type === "error") return null;
  return m.topic;
}

const defaultFactory: SocketFactory = (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike;

/** Subscribes to `topics` while mounted and invalidates the matching queries on each push. */
export function useLiveTopics(topics: readonly string[], createSocket: SocketFactory = defaultFactory) {
  const qc = useQueryClient();
  const { token } = useSession();
  const bearer = token?.token ?? null;
  const key = topics.join(",");
  useEffect(() => {
    if (!bearer || typeof WebSocket === "undefined") return;
    const list = key.split(",").filter(Boolean);
    let socket: SocketLike | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let disposed = false;
    // Coalesce bursts (a recording and its job change together).
    let pending = new Set<string>();
    let flush: ReturnType<typeof setTimeout> | undefined;

    const connect = () => {
      if (disposed) return;
      let s: SocketLike;
      try {
        s = createSocket(socketUrl(), ["rakkr.v1", `bearer.${bearer}`]);
      } catch {
        retry();
        return;
      }
      socket = s;
      s.onopen = () => {
        attempt = 0;
        for (const t of list) s.send(JSON.stringify({ type: "subscribe", topic: t }));
      };
      s.onmessage = (ev) => {
        const t = pushedTopic(ev.data, list);
        if (!t) return;
        pending.add(t);
        if (flush === undefined)
          flush = setTimeout(() => {
            flush = undefined;
            const done = pending;
            pending = new Set();
            for (const topic of done)
              for (const k of TOPIC_KEYS[topic] ?? []) void qc.invalidateQueries({ queryKey: [...k] });
          }, 150);
      };
      s.onerror = () => {};
      s.onclose = () => {
        if (socket === s) socket = null;
        retry();
      };
    };
    const retry = () => {
      if (disposed) return;
      const delay = Math.min(30_000, 1000 * 2 ** attempt);
      attempt += 1;
      timer = setTimeout(connect, delay);
    };
    connect();
    return () => {
      disposed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (flush !== undefined) clearTimeout(flush);
      if (socket) {
        socket.onclose = null;
        socket.onmessage = null;
        socket.onopen = null;
        socket.close(1000, "unsubscribe");
      }
    };
  }, [bearer, key, qc, createSocket]);
}
