// Start-up cost of `mrs-trust --help` and `--version` against bare `node -e 0` (median of 9 each,
// interleaved so both see the same machine load). Prints ratios; target for --help: ≤ 1.5.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 9);

function time(args) {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - start) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const samples = { node: [], help: [], version: [] };
time(['-e', '0']);
time([bin, '--help']); // warm the file cache
for (let i = 0; i < runs; i++) {
  samples.node.push(time(['-e', '0']));
  samples.help.push(time([bin, '--help']));
  samples.version.push(time([bin, '--version']));
}
const base = median(samples.node);
const result = {
  bench: 'startup',
  runs,
  nodeMs: +base.toFixed(1),
  helpMs: +median(samples.help).toFixed(1),
  versionMs: +median(samples.version).toFixed(1),
  helpRatio: +(median(samples.help) / base).toFixed(2),
  versionRatio: +(median(samples.version) / base).toFixed(2),
  target: '--help ≤ 1.5 × node -e 0',
};
console.log(`startup: node -e 0 ${result.nodeMs} ms · --help ${result.helpMs} ms (${result.helpRatio}×) · --version ${result.versionMs} ms (${result.versionRatio}×) · target ≤ 1.5×`);
console.log(JSON.stringify(result));
