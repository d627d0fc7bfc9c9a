// Shared by the benchmarks that start real sshd (run.mjs skips files starting with "_").
import { connect } from 'node:net';

/** Resolves once something accepts TCP connections on host:port (sshd started). */
export async function waitListening(host, port) {
  for (let i = 0; i < 500; i += 1) {
    const ok = await new Promise((resolve) => { const s = connect({ host, port }, () => { s.destroy(); resolve(true); }); s.on('error', () => resolve(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`sshd did not start on ${host}:${port}`);
}

/** Wall time of a synchronous function, in seconds. */
export function seconds(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}
