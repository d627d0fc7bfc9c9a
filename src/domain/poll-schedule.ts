/**
 * When to ask a Manager again about a running command (a KrbServer restart takes minutes on a
 * real cluster). Pure: the caller passes the times it observed.
 *
 * The rate, and why: at most one progress read every 4 s while the end is far off (the
 * documentation gives no limit; 3–5 s is what an operator's console does), and faster only at
 * the moment the reported percentage says the command ends. The percentage's own rate (first
 * and last reading) predicts that moment, known only to one reported percent (±0.5 % of the run:
 * ±50 ms of a 10 s sandbox restart, ±1 s of a 3-minute one). So the reads there come 15 ms apart
 * from 35 ms before the predicted end, seven of them, then 30 ms, 60 ms, 0.12 s … back to 4 s:
 * the end is seen ~7 ms after it on average (test/unit/poll-schedule.test.ts simulates it; 25 ms
 * apart it was ~12), and a Manager whose percentage stalls at 99 % costs about ten more reads
 * before the 4 s rate is back.
 * Without a usable percentage (none, or no movement yet) the interval backs off from 0.5 s to 4 s.
 * The point: a restart that ends just after a poll no longer waits up to 4 s more.
 */
export const POLL_MIN_MS = 500;
export const POLL_MAX_MS = 4000;
/** The first read near the end comes this long before the predicted end (the prediction is late about as often as early). */
const EARLY_MS = 35;
/** The cadence at the predicted end, for FAST_READS reads that still find the command running. */
export const POLL_RETRY_MS = 15;
const FAST_READS = 7;

export interface PollReading {
  /** Milliseconds on any monotonic clock. */
  atMs: number;
  percent: number;
}

export interface PollSchedule {
  first?: PollReading;
  last?: PollReading;
  /** The delay chosen after the previous reading. */
  delayMs?: number;
  /** When the previous reading predicted the end (ms, same clock). */
  predictedEndMs?: number;
  /** Readings in a row taken after the predicted end that still found the command running. */
  misses: number;
}

export const newPollSchedule = (): PollSchedule => ({ misses: 0 });

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** Records a reading of a still-running command and returns the state with the next delay in `delayMs`. */
export function nextPoll(state: PollSchedule, reading: PollReading): PollSchedule {
  const first = state.first ?? reading;
  // Once a read near the predicted end found it still running, every later one counts too: a
  // percentage stalled at 99 % keeps moving its own prediction, and must not keep the fast cadence.
  const overdue = state.misses > 0 || (state.predictedEndMs !== undefined && reading.atMs >= state.predictedEndMs - EARLY_MS);
  const misses = overdue ? state.misses + 1 : 0;
  const moved = reading.percent > first.percent && reading.atMs > first.atMs;
  if (!moved || reading.percent >= 100) {
    const delayMs = state.delayMs === undefined ? POLL_MIN_MS : Math.min(POLL_MAX_MS, Math.round(state.delayMs * 1.5));
    return { first, last: reading, delayMs, misses };
  }
  const rate = (reading.percent - first.percent) / (reading.atMs - first.atMs);
  // A reported whole percent p means somewhere in [p, p + 1): aim at the middle.
  const etaMs = Math.max(0, 100 - reading.percent - 0.5) / rate;
  // Aimed just before the predicted end, however near; past it, FAST_READS reads 15 ms apart,
  // then each read that still finds it running doubles the wait.
  const floor = Math.min(POLL_MAX_MS, POLL_RETRY_MS * 2 ** Math.max(0, misses - FAST_READS));
  const delayMs = Math.round(clamp(etaMs - EARLY_MS, floor, POLL_MAX_MS));
  return { first, last: reading, delayMs, predictedEndMs: reading.atMs + etaMs, misses };
}
