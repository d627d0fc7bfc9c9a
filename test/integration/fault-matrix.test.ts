import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createManager } from '../../src/adapters/manager/index.js';
import { createState } from '../../src/adapters/state/index.js';
import { loadConfig, type LoadedConfig } from '../../src/config/load.js';
import type { JournalDoc } from '../../src/domain/journal.js';
import type { PeerEntry } from '../../src/domain/peers.js';
import { PartialError, RemoteError } from '../../src/errors/index.js';
import type { Manager } from '../../src/ports/manager.js';
import type { JournalStore } from '../../src/ports/state.js';
import type { Fault, FaultFile } from '../../src/sandbox/faults.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import type { LinkDeps, LinkRequest } from '../../src/workflow/link/context.js';
import { runLink } from '../../src/workflow/link/run.js';

/**
 * The fault matrix: for every step that writes (write A, write B, restart A, restart B,
 * refresh-clients, verify) × {5xx, timeout, connection reset, restart FAILED, killed at that
 * step}, a link against the sandbox (real HTTPS Manager adapter, real file journal and locks,
 * short restarts) meets the fault; then `resume` — and, from a fresh start, `rollback` — must
 * leave both clusters fully linked or exactly as before, the unrelated seeded peer present and
 * the journal readable. Manager faults are the sandbox's own (armed when the step starts);
 * refresh-clients faults come through the ClientRefresher port (as a failing host reports them).
 * "Killed" freezes the run at that point: no further journal write, no further call, the lock
 * dropped — what SIGKILL leaves behind (the CLI-level SIGKILL test is in link-safety.test.ts).
 */
vi.setConfig({ testTimeout: 600_000 });

const SUBNET = 130;
type Step = 'write-A' | 'write-B' | 'restart-A' | 'restart-B' | 'refresh-clients' | 'verify';
type FaultKind = '5xx' | 'timeout' | 'reset' | 'restart-failed' | 'kill';
const STEPS: Step[] = ['write-A', 'write-B', 'restart-A', 'restart-B', 'refresh-clients', 'verify'];
const FAULTS: FaultKind[] = ['5xx', 'timeout', 'reset', 'restart-failed', 'kill'];
const applies = (step: Step, fault: FaultKind) => fault !== 'restart-failed' || step.startsWith('restart');

interface World {
  sb: RunningSandbox;
  config: LoadedConfig;
  faults: FaultFile;
  partner: PeerEntry;
  rows: Record<string, PeerEntry>;
}

const sideOf = (step: Step) => (step.endsWith('-A') ? 'alpha' : step.endsWith('-B') ? 'beta' : 'alpha');

/** One run's moving parts; `kill()` freezes it (nothing more reaches the journal or a Manager). */
function rig(w: World, store: JournalStore) {
  let killed = false;
  const dead = () => new RemoteError('KILLED', 'the process was killed here (fault matrix)');
  const frozenStore: JournalStore = { read: (k) => store.read(k), write: (k, d) => (killed ? Promise.resolve() : store.write(k, d)) };
  const wrap = (m: Manager, onSaved?: () => void): Manager => {
    const guard = <T>(call: () => Promise<T>) => (killed ? Promise.reject(dead()) : call());
    return {
      cluster: m.cluster,
      login: () => guard(() => m.login()),
      logout: () => guard(() => m.logout()),
      readClusterInfo: () => guard(() => m.readClusterInfo()),
      readHealth: () => guard(() => m.readHealth()),
      readHosts: () => guard(() => m.readHosts()),
      readKerberosFacts: () => guard(() => m.readKerberosFacts()),
      readPeerRealms: () => guard(() => m.readPeerRealms()),
      savePeerRealms: (p, o) => guard(async () => {
        const saved = await m.savePeerRealms(p, o);
        onSaved?.();
        return saved;
      }),
      stopService: (n) => guard(() => m.stopService(n)),
      startService: (n) => guard(() => m.startService(n)),
      waitForCommand: (id, o) => guard(() => m.waitForCommand(id, o)),
    };
  };
  return { frozenStore, wrap, kill: () => (killed = true), isKilled: () => killed, dead };
}

/** A short request timeout only where a timeout is the fault (a hang costs that long); otherwise room for a loaded machine. */
function managerFor(w: World, name: string, timeoutMs = 15_000): Manager {
  const cluster = w.config.clusters[name];
  if (!cluster) throw new Error(name);
  return createManager(cluster, { warn: () => undefined, debug: () => undefined }, { timeoutMs, retries: 1 });
}

async function runOnce(w: World, request: Partial<LinkRequest>, fault?: { step: Step; kind: FaultKind }): Promise<unknown> {
  const state = createState(w.config.stateDir);
  const r = rig(w, state.journal);
  const arm = (f: Omit<Fault, 'after'>) => w.faults.faults.push({ after: 0, ...f } as Fault);
  const target = fault ? sideOf(fault.step) : undefined;
  const managerFault = (endpoint: Fault['endpoint']) => {
    if (!fault || !target) return;
    if (fault.kind === '5xx') arm({ cluster: target, endpoint, status: 503 });
    if (fault.kind === 'timeout') arm({ cluster: target, endpoint, hang: true });
    if (fault.kind === 'reset') arm({ cluster: target, endpoint, reset: true });
  };
  if (fault?.kind === 'restart-failed') (w.faults.clusters[target as string] ??= {}).restartOutcome = 'FAILED';
  if (fault?.step.startsWith('write') && fault.kind !== 'kill') managerFault('save');
  const timeoutMs = fault?.kind === 'timeout' && fault.step !== 'refresh-clients' ? 1_500 : undefined;
  const managers = Object.fromEntries(['alpha', 'beta'].map((n) => [n, r.wrap(managerFor(w, n, n === target ? timeoutMs : undefined), fault?.kind === 'kill' && fault.step.startsWith('write') && n === target ? r.kill : undefined)]));
  const deps: LinkDeps = {
    clusters: { alpha: { name: 'alpha', type: 'analysis', clientHosts: ['client1.alpha'] }, beta: { name: 'beta', type: 'analysis', clientHosts: ['client1.beta'] } },
    managers,
    journal: r.frozenStore,
    locks: state.locks,
    clock: state.clock,
    signal: new AbortController().signal,
    confirm: async () => true,
    newRunId: () => `run-${Math.random().toString(36).slice(2, 8)}`,
    clients: {
      async refresh() {
        if (r.isKilled()) throw r.dead();
        if (fault?.step !== 'refresh-clients') return { summary: '2 client hosts refreshed' };
        if (fault.kind === 'kill') r.kill();
        if (fault.kind === '5xx') throw new PartialError('CLIENTS_PARTIAL', 'client1.beta: refreshConfig.sh failed');
        if (fault.kind === 'timeout') throw new PartialError('CLIENTS_PARTIAL', 'client1.beta: HOST_TIMEOUT after 600 s');
        throw new PartialError('CLIENTS_PARTIAL', 'client1.beta: SSH_DISCONNECTED (connection reset)');
      },
    },
    events: {
      emit(e) {
        if (!fault || e.type !== 'step-start') return;
        const scope = e.scope ?? 'alpha';
        if (fault.step.startsWith('restart') && e.step === 'restart' && scope === target) {
          if (fault.kind === 'kill') setTimeout(() => r.kill(), 20); // while it waits for the restart
          else managerFault('progress');
        }
        if (fault.step === 'verify' && e.step === 'verify' && scope === target) {
          if (fault.kind === 'kill') r.kill();
          else managerFault('service-config');
        }
      },
    },
  };
  const base: LinkRequest = { action: 'link', a: 'alpha', b: 'beta', dryRun: false, restartTimeoutMs: 20_000, skipPrecheck: true, ...request };
  try {
    await runLink(deps, base);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    w.faults.faults.splice(0);
    for (const o of Object.values(w.faults.clusters)) delete o.restartOutcome;
  }
}

const peers = (w: World, name: string) => w.sb.snapshot().clusters.find((c) => c.name === name)?.peers ?? [];

async function reset(w: World): Promise<void> {
  rmSync(join(w.config.stateDir, 'journal'), { recursive: true, force: true });
  for (const name of ['alpha', 'beta']) {
    const m = managerFor(w, name);
    await m.login();
    const facts = await m.readKerberosFacts();
    await m.savePeerRealms([w.partner], { expectedVersion: facts.configVersion, restart: false });
    await m.logout();
  }
}

function verdict(w: World): 'linked' | 'before' | 'inconsistent' {
  const [a, b] = [peers(w, 'alpha'), peers(w, 'beta')];
  const same = (x: PeerEntry[], y: PeerEntry[]) => JSON.stringify(x) === JSON.stringify(y);
  if (same(a, [w.partner]) && same(b, [w.partner])) return 'before';
  if (same(a, [w.partner, w.rows.beta as PeerEntry]) && same(b, [w.partner, w.rows.alpha as PeerEntry])) return 'linked';
  return 'inconsistent';
}

describe('the fault matrix', () => {
  let w: World;
  beforeAll(async () => {
    const faults: FaultFile = { faults: [], clusters: { alpha: {}, beta: {} } };
    const sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-matrix-')), subnet: SUBNET, restartMs: 40, seedPeer: true, plugins: false, faults });
    const config = await loadConfig(sb.configPath);
    const snap = sb.snapshot().clusters;
    const row = (name: string) => {
      const c = snap.find((x) => x.name === name) as (typeof snap)[number];
      return { realm_name: c.realm, ip_port: c.kdcs.join(',') };
    };
    w = { sb, config, faults, partner: snap[0]?.peers[0] as PeerEntry, rows: { alpha: row('alpha'), beta: row('beta') } };
  });
  afterAll(async () => w?.sb.stop());

  it('every write step × every fault, then resume or rollback: fully linked or exactly as before, the seeded peer kept, the journal readable', async () => {
    const outcomes: { c: string; ok: boolean; why: string }[] = [];
    for (const step of STEPS) {
      for (const kind of FAULTS.filter((f) => applies(step, f))) {
        for (const then of ['resume', 'rollback'] as const) {
          await reset(w);
          const failure = await runOnce(w, {}, { step, kind });
          const doc = (await createState(w.config.stateDir).journal.read('alpha+beta')) as JournalDoc;
          const follow = then === 'resume' ? await runOnce(w, { ...(doc.plan ? { plan: doc.plan } : {}), resume: doc }) : await runOnce(w, { action: 'rollback' });
          const end = verdict(w);
          const journalOk = await createState(w.config.stateDir).journal.read('alpha+beta').then(() => true, () => false);
          const want = then === 'resume' ? 'linked' : 'before';
          const ok = follow === undefined && end === want && journalOk && peers(w, 'alpha')[0]?.realm_name === w.partner.realm_name;
          const why = `fault: ${failure === undefined ? 'none surfaced' : String((failure as { code?: string }).code)}; ${then}: ${follow === undefined ? 'ok' : String((follow as Error).message)}; end: ${end}`;
          outcomes.push({ c: `${step} × ${kind} → ${then}`, ok, why });
        }
      }
    }
    const bad = outcomes.filter((o) => !o.ok);
    console.log(`fault matrix: ${outcomes.length} cases run, ${outcomes.length - bad.length} consistent`);
    expect(bad.map((o) => `${o.c}: ${o.why}`)).toEqual([]);
  });
});
