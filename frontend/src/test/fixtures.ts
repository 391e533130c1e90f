// Sample wire objects for page tests, typed by the generated schema.

import type {
  AuditEventResponse,
  HealthEventResponse,
  LevelFrame,
  NodeResponse,
} from "../api/schema.gen";

export function nodeFixture(over: Partial<NodeResponse> = {}): NodeResponse {
  return {
    id: "node-1",
    alias: "studio-a",
    hostname: "rec-01",
    site: "oslo",
    notes: "",
    tags: [],
    agentVersion: "1.0.0",
    status: "online",
    reportedStatus: "online",
    lastSeenAt: "2026-11-27T05:00:00Z",
    enrolledAt: "2026-11-01T10:00:00Z",
    updatedAt: "2026-11-27T05:00:00Z",
    maxConcurrentRecordings: 1,
    configVersion: 1,
    runtime: {
      osName: "Debian",
      kernelRelease: "6.1",
      architecture: "amd64",
      uptimeSeconds: 3600,
      ipAddresses: ["10.0.0.5"],
      audioBackends: ["alsa"],
      diskUsedPercent: 40,
      diskFreeBytes: 1024 ** 3,
      load1PerCore: 0.2,
      cpuCores: 4,
    },
    openHealthEvents: { warning: 1, critical: 0 },
    interfaces: [
      {
        id: "if-1",
        systemRef: "hw:0",
        systemName: "USB Audio",
        alias: "Desk",
        backend: "alsa",
        channelCount: 2,
        sampleRates: [48000],
        hardwarePath: "usb-1",
        serialNumber: "",
        absent: false,
        channels: [
          { index: 1, label: "In 1", alias: "Host", resourceId: "ch-1" },
          { index: 2, label: "In 2", alias: "", resourceId: "ch-2" },
        ],
      },
    ],
    ...over,
  };
}

export function levelFixture(over: Partial<LevelFrame> = {}): LevelFrame {
  return {
    channelIndex: 1,
    label: "In 1",
    rmsDbfs: -20,
    peakDbfs: -8,
    clipping: false,
    quality: {
      speechScore: 0.8,
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

export function healthFixture(over: Partial<HealthEventResponse> = {}): HealthEventResponse {
  return {
    id: "ev-1",
    type: "agent.disk.low",
    severity: "critical",
    status: "open",
    openedAt: "2026-11-27T04:00:00Z",
    nodeId: "node-1",
    details: {},
    ...over,
  };
}

export function auditFixture(over: Partial<AuditEventResponse> = {}): AuditEventResponse {
  return {
    id: "au-1",
    seq: 7,
    createdAt: "2026-11-27T04:30:00Z",
    action: "nodes.update.succeeded",
    outcome: "succeeded",
    permission: "node:manage",
    actor: { id: "u-1", name: "Ada Lovelace", type: "user", roles: ["owner"] },
    actorContext: { ipAddress: "127.0.0.1", sessionId: "s-1", userAgent: "test" },
    target: { type: "node", id: "node-1", name: "studio-a" },
    before: { alias: "old", site: "oslo" },
    after: { alias: "studio-a", site: "oslo" },
    details: {},
    correlationIds: { requestId: "req-123" },
    reason: "granted",
    prevHash: "aa",
    hash: "bb",
    ...over,
  };
}

/** A WebSocket stand-in that never connects; tests reach it through `instances`. */
export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeWebSocket.instances.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
}
