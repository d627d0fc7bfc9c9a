import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { linkResultSchema } from '../../src/workflow/link/result.js';
import { runCli } from '../support/cli.js';

// Subnet 11 (127.11.x.x) belongs to this file: other files use other subnets, so they run in parallel.
const SUBNET = 11;
const PARTNER = { realm_name: 'PARTNER.MRS' };

async function withSandbox(options: Parameters<typeof startSandbox>[0] extends infer O ? Partial<O> : never, fn: (sb: RunningSandbox) => Promise<void>, subnet = SUBNET) {
  const sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-link-')), subnet, restartMs: 30, seedPeer: true, plugins: false, ...options });
  try {
    await fn(sb);
  } finally {
    await sb.stop();
  }
}

const cluster = (sb: RunningSandbox, name: string) => sb.snapshot().clusters.find((c) => c.name === name) as ReturnType<RunningSandbox['snapshot']>['clusters'][number];

describe('link / unlink against the sandbox', () => {
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-link-')), subnet: SUBNET, restartMs: 30, seedPeer: true, plugins: false });
  });
  afterAll(async () => sb?.stop());

  it('without a terminal and without --yes: exit 2, nothing written', async () => {
    const run = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error: link writes to both clusters .* needs --yes \[CONFIRMATION_REQUIRED\]/);
    expect(cluster(sb, 'alpha').saves).toBe(0);
    expect(cluster(sb, 'alpha').sessions.logins).toBe(0); // refused before any network call
  });

  it('--dry-run shows the plan and writes nothing', async () => {
    const run = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--dry-run', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = linkResultSchema.parse(JSON.parse(run.stdout));
    expect(result.dryRun).toBe(true);
    expect(result.plannedWrites?.map((w) => `${w.type} ${w.cluster}`)).toEqual(['save-peer-realms alpha', 'save-peer-realms beta']);
    expect(result.plannedWrites?.every((w) => w.restart === true)).toBe(true); // the save restarts KrbServer itself
    expect(run.stderr).toContain('+ add     BETA.MRS');
    const human = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--dry-run']);
    expect(human.stdout).toContain('alpha (ALPHA.MRS): would be added BETA.MRS');
    expect(human.stdout).toContain('KrbServer would restart');
    expect([cluster(sb, 'alpha').saves, cluster(sb, 'beta').restartCount]).toEqual([0, 0]);
  });

  it('links both sides with the right KDCs, keeps the seeded peer, and a second run changes nothing', async () => {
    const run = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = linkResultSchema.parse(JSON.parse(run.stdout));
    expect(result.changed).toBe(true);
    const [alpha, beta] = [cluster(sb, 'alpha'), cluster(sb, 'beta')];
    expect(alpha.peers).toEqual([expect.objectContaining(PARTNER), { realm_name: beta.realm, ip_port: beta.kdcs.join(',') }]);
    expect(beta.peers).toEqual([expect.objectContaining(PARTNER), { realm_name: alpha.realm, ip_port: alpha.kdcs.join(',') }]);
    expect([alpha.restartCount, beta.restartCount]).toEqual([1, 1]);
    expect(alpha.sessions.active).toBe(0); // logged out

    const again = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Nothing changed/);
    expect(again.stdout).toContain('alpha (ALPHA.MRS): already lists BETA.MRS');
    expect([cluster(sb, 'alpha').restartCount, cluster(sb, 'beta').restartCount]).toEqual([1, 1]);
    expect([cluster(sb, 'alpha').saves, cluster(sb, 'beta').saves]).toEqual([1, 1]);

    const journal = join(sb.stateDir, '.mrs-trust', 'journal', 'alpha+beta.json');
    expect(existsSync(journal)).toBe(true);
    expect(readFileSync(journal, 'utf8')).not.toMatch(/password/i);
  });

  it('status shows the trust, unlink removes only the pair, status then shows none', async () => {
    expect((await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes'])).code).toBe(0); // no-op when already linked
    const status = await runCli(['status', 'alpha', 'beta', '--config', sb.configPath, '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).trust).toEqual([expect.objectContaining({ a: 'alpha', b: 'beta', aNamesB: true, bNamesA: true, state: 'linked' })]);
    const run = await runCli(['unlink', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Unlinked alpha ↔ beta/);
    expect(cluster(sb, 'alpha').peers).toEqual([expect.objectContaining(PARTNER)]);
    expect(cluster(sb, 'beta').peers).toEqual([expect.objectContaining(PARTNER)]);
    const after = await runCli(['status', 'alpha', 'beta', '--config', sb.configPath, '--json']);
    expect(JSON.parse(after.stdout).trust).toEqual([expect.objectContaining({ a: 'alpha', b: 'beta', aNamesB: false, bNamesA: false, state: 'none' })]);
  });

  it('without a terminal, a missing cluster argument is a usage error naming it (exit 2)', async () => {
    const run = await runCli(['link', 'alpha', '--config', sb.configPath, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/missing argument <b> \[MISSING_ARGUMENT\]/);
  });

  it('refuses an unknown cluster name with a suggestion (exit 2)', async () => {
    const run = await runCli(['link', 'alpah', 'beta', '--config', sb.configPath, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no cluster "alpah" .*did you mean "alpha"/);
  });
});

describe('link failure modes against the sandbox', () => {
  it('a concurrent change between discovery and write: exit 3, nothing written on either side', async () => {
    await withSandbox({ faults: { faults: [], clusters: { beta: { concurrentEdit: { afterReads: 1, realm: 'INTRUDER.MRS' } } } } }, async (sb) => {
      const run = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(/beta: peer_realms changed since it was read .* \[CONFIG_DRIFT\]/);
      expect(cluster(sb, 'alpha').saves).toBe(0);
      expect(cluster(sb, 'beta').peers.map((p) => p.realm_name)).toEqual(['PARTNER.MRS', 'INTRUDER.MRS']);
    }, 12);
  });

  it('an unhealthy service stops the run in preflight: exit 3 naming it', async () => {
    await withSandbox({ faults: { faults: [], clusters: { alpha: { unhealthy: ['HDFS'] } } } }, async (sb) => {
      const run = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/alpha: services not healthy: HDFS \(BAD\)/);
      expect(cluster(sb, 'beta').saves).toBe(0);
    }, 13);
  });

  it('two runs on one cluster at once: the second exits 3 naming the lock and its owner', async () => {
    // The first run's restart must outlast the second run's start-up (seconds on a loaded machine):
    // the restart wait ends within ~0.5 s of the restart, so the window is the restart itself.
    await withSandbox({ restartMs: 12_000 }, async (sb) => {
      const first = runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      const journal = join(sb.stateDir, '.mrs-trust', 'journal', 'alpha+beta.json');
      // Wait until the first run is writing (it holds both locks from its start); generous: on a loaded
      // machine its start-up alone can take seconds, and a second run started before it would take the locks.
      for (let i = 0; i < 2400 && !(existsSync(journal) && readFileSync(journal, 'utf8').includes('write-peer-realms')); i++) await delay(25);
      const second = await runCli(['unlink', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect(second.code).toBe(3);
      expect(second.stderr).toMatch(/cluster alpha is locked by pid \d+ \(link alpha beta/);
      expect((await first).code).toBe(0);
      expect(cluster(sb, 'alpha').restartCount).toBe(1);
    }, 14);
  });

  it('a restart that ends FAILED: exit 4, the other side still finishes, the journal keeps the restart pending', async () => {
    await withSandbox({ faults: { faults: [], clusters: { beta: { restartOutcome: 'FAILED' } } } }, async (sb) => {
      const run = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/beta: restart of KrbServer ended FAILED/);
      expect(cluster(sb, 'alpha').restartCount).toBe(1);
      const journal = JSON.parse(readFileSync(join(sb.stateDir, '.mrs-trust', 'journal', 'alpha+beta.json'), 'utf8'));
      expect(journal.restartPending).toEqual(['beta']);
    }, 15);
  });
});

describe('an interrupted link', () => {
  it('Ctrl-C during the restart: exit 130, the journal keeps the restart pending, the next run finishes it without rewriting', async () => {
    await withSandbox({ restartMs: 1500 }, async (sb) => {
      const journal = join(sb.stateDir, '.mrs-trust', 'journal', 'alpha+beta.json');
      const { spawn } = await import('node:child_process');
      const { BIN } = await import('../support/cli.js');
      const child = spawn(process.execPath, [BIN, 'link', 'alpha', 'beta', '--config', sb.configPath, '--yes', '--progress', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += String(d)));
      for (let i = 0; i < 400 && !stderr.includes('"step":"restart"'); i++) await delay(25);
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(130);
      // The message says how to go on or go back.
      expect(stderr).toMatch(/hint: the journal is written: `mrs-trust resume alpha beta` continues, `mrs-trust rollback alpha beta` undoes what was written/);
      // Every stderr line is a JSON event with --progress json.
      for (const line of stderr.split('\n').filter((l) => l.startsWith('{'))) expect(() => JSON.parse(line)).not.toThrow();
      const doc = JSON.parse(readFileSync(journal, 'utf8'));
      expect(doc.status).toBe('interrupted');
      expect([...doc.restartPending].sort()).toEqual(['alpha', 'beta']);
      expect(Object.keys(doc.restartCommands).sort()).toEqual(['alpha', 'beta']);
      expect([cluster(sb, 'alpha').saves, cluster(sb, 'beta').saves]).toEqual([1, 1]);
      await delay(1600); // let the Manager's own restart command finish
      const again = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes', '--json']);
      expect(again.code, again.stderr).toBe(0);
      const result = linkResultSchema.parse(JSON.parse(again.stdout));
      expect(result.changed).toBe(false);
      // The save's own command (its id in the journal) reads COMPLETE: the pending entry is cleared, nothing asked or restarted.
      expect(result.sides.map((s) => s.restarted)).toEqual([false, false]);
      expect(result.steps.filter((s) => s.id === 'check-pending-restart').map((s) => s.message)).toEqual([expect.stringMatching(/cleared, no restart needed/), expect.stringMatching(/cleared, no restart needed/)]);
      expect(result.steps.find((s) => s.id === 'confirm')?.status).toBe('skipped');
      expect([cluster(sb, 'alpha').saves, cluster(sb, 'beta').saves]).toEqual([1, 1]);
      // No stop/start, no second restart.
      expect([cluster(sb, 'alpha').restarts, cluster(sb, 'beta').restarts].map((r) => r.map((x) => x.via))).toEqual([['save'], ['save']]);
      expect(JSON.parse(readFileSync(journal, 'utf8')).restartPending).toEqual([]);
    }, 17);
  });
});

describe('link with manager.discovery: krb5conf', () => {
  it('link and status take realm and KDCs from the node client krb5.conf over SSH', async () => {
    await withSandbox({ plugins: true }, async (sb) => {
      const { parseDocument } = await import('yaml');
      const { readdirSync, writeFileSync } = await import('node:fs');
      const doc = parseDocument(readFileSync(sb.configPath, 'utf8'));
      doc.setIn(['clusters', 'alpha', 'manager', 'discovery'], 'krb5conf');
      writeFileSync(sb.configPath, doc.toString());
      // Make the node's krb5.conf say something the Manager does not: KDCs on port 21799.
      const hostsDir = join(sb.stateDir, 'ssh', 'hosts');
      const master = readdirSync(hostsDir).find((h) => h.startsWith('master1.alpha')) as string;
      const conf = join(hostsDir, master, 'opt/client/KrbClient/kerberos/var/krb5kdc/krb5.conf');
      writeFileSync(conf, readFileSync(conf, 'utf8').replaceAll(':21732', ':21799'));
      // Nothing listens on 21799: the network pre-check probes the KDCs discovery found, and stops.
      const probed = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--dry-run']);
      expect(probed.code).toBe(3);
      expect(probed.stderr).toMatch(/alpha kdc-reachable: 127\.18\.1\.11:21799 UDP: closed \(ICMP port unreachable: nothing listens\)/);
      const run = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--dry-run', '--json', '--skip-precheck']);
      expect(run.code, run.stderr).toBe(0);
      const result = linkResultSchema.parse(JSON.parse(run.stdout));
      expect(result.sides[1]?.after?.ip_port).toMatch(/^127\.18\.1\.11:21799,127\.18\.1\.12:21799$/);
      const status = await runCli(['status', 'alpha', 'beta', '--config', sb.configPath, '--json']);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout).clusters[0].kdcs).toEqual(['127.18.1.11:21799', '127.18.1.12:21799']);
    }, 18);
  });
});

describe('link with client hosts and cloud (sandbox plugins on)', () => {
  it('refreshes every client host so its krb5.conf names the peer realm; a re-run finds them current', async () => {
    await withSandbox({ plugins: true }, async (sb) => {
      const run = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const result = linkResultSchema.parse(JSON.parse(run.stdout));
      expect(result.clients?.summary).toBe('4 client hosts refreshed, 0 already current');
      expect(result.precheck?.summary).toMatch(/network checks pass .*; security groups: 4 of 4 groups admit the peer/);
      const { readdirSync } = await import('node:fs');
      const hostsDir = join(sb.stateDir, 'ssh', 'hosts');
      const clients = readdirSync(hostsDir).filter((h) => h.startsWith('client'));
      expect(clients.sort()).toEqual(['client1.alpha', 'client1.beta', 'client2.alpha', 'client2.beta']);
      for (const host of clients) {
        const krb5 = readFileSync(join(hostsDir, host, 'opt/client/KrbClient/kerberos/var/krb5kdc/krb5.conf'), 'utf8');
        expect(krb5, host).toMatch(host.endsWith('.alpha') ? /BETA\.MRS/ : /ALPHA\.MRS/);
      }
      const again = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('refresh-clients: 0 client hosts refreshed, 4 already current');
    }, 19);
  });
});
