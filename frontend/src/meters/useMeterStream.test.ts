import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LevelFrame } from "../api/schema.gen";
import { isStale, socketUrl, useMeterStream } from "./useMeterStream";
import type { SocketLike } from "./useMeterStream";

class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  closed = false;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  receive(msg: unknown) {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(msg) }));
  }
  drop() {
    this.readyState = 3;
    this.onclose?.(new CloseEvent("close", { code: 1006 }));
  }
}

function level(over: Partial<LevelFrame> = {}): LevelFrame {
  return {
    channelIndex: 0,
    label: "Mic 1",
    rmsDbfs: -18,
    peakDbfs: -6,
    clipping: false,
    quality: {
      speechScore: 0.9,
      speechLike: true,
      noiseScore: 0,
      broadbandNoiseScore: 0,
      humScore: 0,
      staticScore: 0,
      estimatedSnrDb: 30,
      intelligibilityScore: 0.8,
      crestFactorDb: 12,
      zeroCrossingRate: 0.1,
    },
    ...over,
  };
}

const factory = (url: string, protocols: string[]) => new FakeSocket(url, protocols);

describe("useMeterStream", () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("opens /api/v1/ws with the rakkr.v1 and bearer subprotocols and subscribes to the node's meters", () => {
    renderHook(() => useMeterStream("node-1", "tok-1", { createSocket: factory }));
    const s = FakeSocket.all[0]!;
    expect(s.url).toBe(socketUrl());
    expect(s.url.endsWith("/api/v1/ws")).toBe(true);
    expect(s.protocols).toEqual(["rakkr.v1", "bearer.tok-1"]);
    act(() => s.open());
    expect(s.sent.map((m) => JSON.parse(m))).toEqual([{ type: "subscribe", topic: "meters:node-1" }]);
  });

  it("updates channels from meter frames and ignores other topics", () => {
    const { result } = renderHook(() => useMeterStream("node-1", "tok", { createSocket: factory }));
    const s = FakeSocket.all[0]!;
    act(() => s.open());
    expect(result.current.connection).toBe("open");
    act(() =>
      s.receive({
        type: "meter",
        topic: "meters:node-1",
        frame: { nodeId: "node-1", interfaceId: "if-1", levels: [level(), level({ channelIndex: 1, label: "Mic 2", clipping: true })] },
      }),
    );
    act(() => s.receive({ type: "meter", topic: "meters:other", frame: { interfaceId: "if-9", levels: [level()] } }));
    expect(result.current.channels.map((c) => c.label)).toEqual(["Mic 1", "Mic 2"]);
    expect(result.current.channels[1]!.level.clipping).toBe(true);
    expect(result.current.channels[0]!.peak.db).toBe(-6);

    act(() =>
      s.receive({ type: "meter", topic: "meters:node-1", frame: { interfaceId: "if-1", levels: [level({ rmsDbfs: -30, peakDbfs: -20 })] } }),
    );
    const ch = result.current.channels[0]!;
    expect(ch.level.rmsDbfs).toBe(-30);
    // The louder earlier peak is still held.
    expect(ch.peak.db).toBe(-6);
  });

  it("marks channels stale after 3 s without a frame", () => {
    const { result } = renderHook(() => useMeterStream("node-1", "tok", { createSocket: factory }));
    const s = FakeSocket.all[0]!;
    act(() => s.open());
    act(() => s.receive({ type: "meter", topic: "meters:node-1", frame: { interfaceId: "if-1", levels: [level()] } }));
    expect(isStale(result.current.channels[0]!, result.current.now)).toBe(false);
    act(() => vi.advanceTimersByTime(2500));
    expect(isStale(result.current.channels[0]!, result.current.now)).toBe(false);
    act(() => vi.advanceTimersByTime(1000));
    expect(isStale(result.current.channels[0]!, result.current.now)).toBe(true);
    // A fresh frame makes it live again.
    act(() => s.receive({ type: "meter", topic: "meters:node-1", frame: { interfaceId: "if-1", levels: [level()] } }));
    expect(isStale(result.current.channels[0]!, result.current.now)).toBe(false);
  });

  it("starts stale when the seed frame says so", () => {
    const seed = [{ interfaceId: "if-1", levels: [level()], stale: true, ageSeconds: 10, receivedAt: "2026-01-01T00:00:00Z" }];
    const { result } = renderHook(() => useMeterStream("node-1", "tok", { createSocket: factory, seed }));
    expect(result.current.channels).toHaveLength(1);
    expect(isStale(result.current.channels[0]!, result.current.now)).toBe(true);
  });

  it("reconnects with exponential back-off and subscribes again", () => {
    const { result, unmount } = renderHook(() =>
      useMeterStream("node-1", "tok", { createSocket: factory, backoffMs: 1000 }),
    );
    act(() => FakeSocket.all[0]!.open());
    act(() => FakeSocket.all[0]!.drop());
    expect(result.current.connection).toBe("reconnecting");
    act(() => vi.advanceTimersByTime(999));
    expect(FakeSocket.all).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeSocket.all).toHaveLength(2);
    // The second attempt fails before opening: the next wait doubles.
    act(() => FakeSocket.all[1]!.drop());
    act(() => vi.advanceTimersByTime(1999));
    expect(FakeSocket.all).toHaveLength(2);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeSocket.all).toHaveLength(3);
    act(() => FakeSocket.all[2]!.open());
    expect(result.current.connection).toBe("open");
    expect(JSON.parse(FakeSocket.all[2]!.sent[0]!)).toEqual({ type: "subscribe", topic: "meters:node-1" });
    unmount();
    expect(FakeSocket.all[2]!.closed).toBe(true);
  });

  it("opens no socket without a node or token", () => {
    renderHook(() => useMeterStream(null, "tok", { createSocket: factory }));
    renderHook(() => useMeterStream("n", null, { createSocket: factory }));
    expect(FakeSocket.all).toHaveLength(0);
  });
});
