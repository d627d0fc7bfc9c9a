import { describe, expect, it } from 'vitest';
import { newPollSchedule, nextPoll, POLL_MAX_MS, POLL_MIN_MS, POLL_RETRY_MS, type PollSchedule } from '../../src/domain/poll-schedule.js';

/** Polls a command that runs `durationMs` (percent = elapsed share, floored, as the sandbox and Managers report); returns the poll times. */
function simulate(durationMs: number, startOffsetMs = 0, percentAt = (t: number) => Math.floor((Math.min(t, durationMs) / durationMs) * 100)): number[] {
  let t = startOffsetMs;
  let s: PollSchedule = newPollSchedule();
  const times: number[] = [];
  for (let i = 0; i < 1000; i += 1) {
    times.push(t);
    if (t >= durationMs) return times;
    s = nextPoll(s, { atMs: t, percent: percentAt(t) });
    // Under 0.5 s only when aimed at a predicted end.
    expect(s.delayMs).toBeGreaterThanOrEqual(s.predictedEndMs !== undefined ? POLL_RETRY_MS : POLL_MIN_MS);
    expect(s.delayMs).toBeLessThanOrEqual(POLL_MAX_MS);
    t += s.delayMs as number;
  }
  throw new Error('never finished');
}

describe('poll schedule', () => {
  it('without a moving percentage: 0.5 s, then ×1.5 up to 4 s (the old back-off)', () => {
    let s = newPollSchedule();
    const delays: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      s = nextPoll(s, { atMs: i * 1000, percent: 0 });
      delays.push(s.delayMs as number);
    }
    expect(delays).toEqual([500, 750, 1125, 1688, 2532, 3798, 4000, 4000]);
  });

  it('a command is seen within ~0.2 s of its end (or one reported percent), not up to 4 s later', () => {
    for (const duration of [10_000, 10_500, 11_000, 30_000, 120_000]) {
      const times = simulate(duration);
      const seen = times.at(-1) as number;
      expect(seen - duration, `duration ${duration}`).toBeLessThanOrEqual(Math.max(200, duration / 100));
      expect(seen).toBeGreaterThanOrEqual(duration);
    }
  });

  it('a ~10 s restart (as in bench/link) is seen ~7 ms after its end on average, whenever its first read falls, in ~11 reads', () => {
    for (const duration of [9_000, 10_000, 12_000]) {
      // The first read 5–348 ms after the start.
      const runs = Array.from({ length: 50 }, (_, i) => simulate(duration, 5 + i * 7));
      const late = runs.map((times) => (times.at(-1) as number) - duration);
      const mean = late.reduce((a, b) => a + b, 0) / late.length;
      // Earlier schedules: one read 25 ms after the predicted end, then 0.1 s, 0.2 s … averaged
      // ~50; four reads 25 ms apart from 25 ms before it, ~12 (9 and 10 s) and ~27 (12 s).
      expect(mean, `duration ${duration}`).toBeLessThan(duration === 12_000 ? 22 : 10);
      expect(Math.max(...late), `duration ${duration}`).toBeLessThanOrEqual(70);
      expect(Math.max(...runs.map((t) => t.length)), `duration ${duration}`).toBeLessThanOrEqual(12);
    }
  });

  it('polls every 4 s while the end is far off: a 2-minute restart costs ~35 reads, not 240', () => {
    const times = simulate(120_000);
    expect(times.length).toBeLessThan(40);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(gaps.filter((g) => g < 1000).length).toBeLessThanOrEqual(3);
  });

  it('a percentage stuck at 99 % backs off to 4 s again instead of polling every 0.5 s', () => {
    const stuck = (t: number) => Math.min(99, Math.floor((t / 10_000) * 100));
    let s = newPollSchedule();
    let t = 0;
    const delays: number[] = [];
    for (let i = 0; i < 24; i += 1) {
      s = nextPoll(s, { atMs: t, percent: stuck(t) });
      delays.push(s.delayMs as number);
      t += s.delayMs as number;
    }
    expect(delays.slice(-3)).toEqual([POLL_MAX_MS, POLL_MAX_MS, POLL_MAX_MS]);
    // The repeats after the predicted end: seven 15 ms apart, then 30 ms, 60 ms, 0.12, 0.24 … s.
    expect(delays.filter((d) => d < POLL_MIN_MS).length).toBeLessThanOrEqual(12);
    expect(delays.filter((d) => d < POLL_MAX_MS).length).toBeLessThanOrEqual(17);
  });

  it('a command an earlier run started (already at 60 %) is predicted from its own rate', () => {
    const times = simulate(20_000, 12_000);
    expect((times.at(-1) as number) - 20_000).toBeLessThanOrEqual(600);
  });
});
