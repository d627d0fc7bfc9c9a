// bench/mesh: 17 sandbox clusters (the most a 2.x full mesh allows: 16 peers each), restarts of R
// seconds. Prints wall(mesh apply) / R (target ≤ 1.5: every cluster restarts once, all at once),
// the restarts per cluster (must be 1), and the ratio to linking the same pairs one by one with
// `link` (each pair restarts both sides). Pair-by-pair over all 136 pairs takes 136·R at least;
// `MESH_BENCH_PAIRS=k` links only k pairs and extrapolates (said in the output).
// Needs `npm run build`. Run it alone: it only talks to 127.x addresses of its own subnet.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const { startSandbox } = await import(new URL('../dist/sandbox/index.js', import.meta.url).href);
const R = Number(process.env.MESH_BENCH_RESTART_S ?? 5);
const N = 17;
const SAMPLE = Number(process.env.MESH_BENCH_PAIRS ?? 8);

// Asynchronous: the sandbox runs in this process and must keep answering while the CLI runs
// (a synchronous child would block its event loop, and every Manager call would time out).
async function cli(args, config) {
  await promisify(execFile)(process.execPath, [BIN, ...args, '--config', config, '--yes', '--progress', 'none'], { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
}

async function sandbox(subnet) {
  const dir = mkdtempSync(join(tmpdir(), 'mrs-bench-mesh-'));
  const sb = await startSandbox({ stateDir: dir, subnet, restartMs: R * 1000, plugins: false, count: N });
  return { sb, dir, names: sb.snapshot().clusters.map((c) => c.name) };
}

// 1. mesh apply over all 17.
const m = await sandbox(201);
const topo = join(m.dir, 'mesh.yaml');
writeFileSync(topo, `version: 1\nclusters: [${m.names.join(', ')}]\ntrusts: full\n`);
let t = performance.now();
await cli(['mesh', 'apply', topo], m.sb.configPath);
const meshS = (performance.now() - t) / 1000;
// From the sandbox's restart record: a save's restart or a start counts once (a stop is half of a stop + start).
const restarts = m.sb.snapshot().clusters.map((c) => c.restarts.filter((r) => r.via !== 'stop').length);
await m.sb.stop();
rmSync(m.dir, { recursive: true, force: true });

// 2. the same pairs one by one with link (a sample of them, extrapolated to all 136).
const p = await sandbox(202);
const pairs = p.names.flatMap((a, i) => p.names.slice(i + 1).map((b) => [a, b]));
const sample = pairs.slice(0, Math.min(SAMPLE, pairs.length));
t = performance.now();
for (const [a, b] of sample) await cli(['link', a, b], p.sb.configPath);
const perPair = (performance.now() - t) / 1000 / sample.length;
await p.sb.stop();
rmSync(p.dir, { recursive: true, force: true });

const pairwiseS = perPair * pairs.length;
console.log(`mesh of ${N} (${pairs.length} trusts), restarts of R = ${R} s`);
console.log(`  wall(mesh apply)           ${meshS.toFixed(1)} s`);
console.log(`  wall(mesh) / R             ${(meshS / R).toFixed(2)}   (target ≤ 1.5)`);
console.log(`  restarts per cluster       min ${Math.min(...restarts)}, max ${Math.max(...restarts)}   (must be 1)`);
console.log(`  link pair by pair          ${perPair.toFixed(1)} s per pair (${sample.length} of ${pairs.length} measured${sample.length < pairs.length ? ', extrapolated' : ''}) → ${pairwiseS.toFixed(0)} s`);
console.log(`  wall(mesh) / pair-by-pair  ${(meshS / pairwiseS).toFixed(3)}`);
