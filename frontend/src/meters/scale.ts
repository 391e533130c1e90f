// Meter maths: a log-ish dBFS → bar-fraction scale and peak-hold logic.
// Pure functions so that the meter bank and its tests agree.

/** Bottom and top of the meter scale, in dBFS. */
export const METER_FLOOR_DB = -60;
export const METER_TOP_DB = 0;
/** How long a peak marker holds before it starts to fall. */
export const PEAK_HOLD_MS = 1500;
/** How fast a released peak marker falls, in dB per second. */
export const PEAK_FALL_DB_PER_S = 20;
/** A channel with no frame for this long is stale. */
export const STALE_AFTER_MS = 3000;

// IEC 60268-18 style deflection (0…100): more resolution near the top.
function iec(db: number): number {
  if (db < -70) return 0;
  if (db < -60) return (db + 70) * 0.25;
  if (db < -50) return (db + 60) * 0.5 + 2.5;
  if (db < -40) return (db + 50) * 0.75 + 7.5;
  if (db < -30) return (db + 40) * 1.5 + 15;
  if (db < -20) return (db + 30) * 2 + 30;
  return (db + 20) * 2.5 + 50;
}

const IEC_FLOOR = iec(METER_FLOOR_DB);
const IEC_TOP = iec(METER_TOP_DB);

/**
 * Where `db` sits on the meter, 0 (at or below −60 dBFS, or not a number)
 * to 1 (0 dBFS or above). Monotonic; −20 dBFS is at about half way.
 */
export function dbToFraction(db: number): number {
  if (!Number.isFinite(db)) return db === Infinity ? 1 : 0;
  const c = Math.min(METER_TOP_DB, Math.max(METER_FLOOR_DB, db));
  return (iec(c) - IEC_FLOOR) / (IEC_TOP - IEC_FLOOR);
}

/** dBFS for a label: "−12.3" or "−∞" below the floor. */
export function formatDb(db: number): string {
  if (!Number.isFinite(db) || db <= METER_FLOOR_DB - 30) return "−∞";
  return db.toFixed(1).replace("-", "−");
}

/** A peak marker: the level it was set to and when. */
export interface PeakHold {
  db: number;
  at: number;
}

/** Where the marker is at `now`: held for PEAK_HOLD_MS, then falling. */
export function peakHoldValue(hold: PeakHold | null, now: number): number {
  if (!hold) return -Infinity;
  const since = now - hold.at;
  if (since <= PEAK_HOLD_MS) return hold.db;
  return hold.db - ((since - PEAK_HOLD_MS) / 1000) * PEAK_FALL_DB_PER_S;
}

/** The marker after a new peak reading: a higher (or equal) peak resets it. */
export function updatePeakHold(hold: PeakHold | null, peakDb: number, now: number): PeakHold {
  if (!hold || peakDb >= peakHoldValue(hold, now)) return { db: peakDb, at: now };
  return hold;
}
