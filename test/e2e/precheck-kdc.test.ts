import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetworkProbe } from '../../src/adapters/network/index.js';
import { buildProbeRequest, parseKdcReply, PROBE_PRINCIPAL, type KdcReply } from '../../src/domain/kerberos/probe.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { RealmKdc } from '../../src/sandbox/kdc/realm-kdc.js';
import { startSimKdc } from '../../src/sandbox/kdc/sim-kdc.js';
import { precheckResultSchema } from '../../src/workflow/precheck/result.js';
import { runCli } from '../support/cli.js';
import { sampleProcesses } from '../support/processes.js';
import { requireBinary } from '../support/require-binary.js';

// The pre-check's Kerberos probe against live MIT krb5kdc: the adapter's UDP and TCP exchange, the
// domain parser, the simulated KDC compared with the real one, and `precheck` on a sandbox with real
// KDCs (probe and default-password check). Subnets 185 and 186 belong to this file.
const kdc = requireBinary('krb5kdc', 'krb5-kdc');
const env = { MRS_TRUST_HTTP_TIMEOUT_MS: '5000' };
const REALM = 'PROBE.E2E';
const REAL = '127.185.0.11';
const SIM = '127.185.0.21';
const PORT = 21732;

const withoutClock = (r: KdcReply) => (r.kind === 'krb-error' ? { ...r, serverTime: 'x' } : r);

describe.skipIf(!kdc.available)('the KDC probe against a live MIT krb5kdc', () => {
  const network = createNetworkProbe();
  let dir: string;
  let realm: RealmKdc;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mrs-probe-e2e-'));
    realm = new RealmKdc(REALM, join(dir, 'kdc'), [`${REAL}:${PORT}`]);
    await realm.create();
    await realm.start();
  });
  afterAll(async () => {
    await realm?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('UDP and TCP: krb5kdc answers the fixed AS-REQ with KDC_ERR_C_PRINCIPAL_UNKNOWN, its realm and its clock', async () => {
    const request = buildProbeRequest(REALM);
    for (const transport of ['udp', 'tcp'] as const) {
      const before = Date.now();
      const o = await network.kdcExchange(REAL, PORT, transport, request, 3000);
      expect(o.outcome, transport).toBe('reply');
      const reply = parseKdcReply((o as { reply: Uint8Array }).reply);
      expect(reply, transport).toMatchObject({ kind: 'krb-error', code: 6, name: 'KDC_ERR_C_PRINCIPAL_UNKNOWN', realm: REALM, text: 'CLIENT_NOT_FOUND' });
      const server = Date.parse((reply as { serverTime: string }).serverTime);
      expect(Math.abs(server - before)).toBeLessThan(5000);
    }
    // krb5kdc itself logged the request: no other process answered. The byte-identical second one
    // (the probe is fixed) is answered from MIT's lookaside cache and logged as a repeat.
    const log = readFileSync(join(dir, 'kdc', 'kdc.log'), 'utf8');
    expect(log).toMatch(new RegExp(`AS_REQ \\(2 etypes .*\\) [\\d.]+: CLIENT_NOT_FOUND: ${PROBE_PRINCIPAL}@${REALM.replace('.', '\\.')} for krbtgt/`));
    expect(log).toMatch(/DISPATCH: repeated \(retransmitted\?\) request from [\d.]+, resending previous response/);
  });

  it('garbage gets no answer over UDP and a closed connection over TCP', async () => {
    const garbage = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n');
    expect((await network.kdcExchange(REAL, PORT, 'udp', garbage, 1000)).outcome).toBe('timeout');
    expect((await network.kdcExchange(REAL, PORT, 'tcp', garbage, 3000)).outcome).toBe('closed');
  });

  it('the simulated KDC of the sandbox answers exactly as krb5kdc does (apart from its clock), and not more', async () => {
    const sim = await startSimKdc(SIM, PORT, 'answer');
    try {
      for (const realmAsked of [REALM, 'OTHER.REALM']) {
        const request = buildProbeRequest(realmAsked);
        for (const transport of ['udp', 'tcp'] as const) {
          const real = await network.kdcExchange(REAL, PORT, transport, request, 3000);
          const simulated = await network.kdcExchange(SIM, PORT, transport, request, 3000);
          expect(real.outcome).toBe('reply');
          expect(simulated.outcome).toBe('reply');
          const [r, s] = [real, simulated].map((o) => (o as { reply: Uint8Array }).reply);
          expect(withoutClock(parseKdcReply(s as Uint8Array)), `${realmAsked} ${transport}`).toEqual(withoutClock(parseKdcReply(r as Uint8Array)));
          // (Lengths may differ by an octet: susec is a DER INTEGER of 2 or 3 octets, depending on its value.)
        }
      }
      const garbage = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n');
      expect((await network.kdcExchange(SIM, PORT, 'udp', garbage, 1000)).outcome).toBe('timeout');
      expect((await network.kdcExchange(SIM, PORT, 'tcp', garbage, 3000)).outcome).toBe('closed');
    } finally {
      await sim.stop();
    }
  });

  it('once krb5kdc is stopped, both transports are refused (closed)', async () => {
    await realm.stop();
    const request = buildProbeRequest(REALM);
    expect((await network.kdcExchange(REAL, PORT, 'udp', request, 2000)).outcome).toBe('refused');
    expect((await network.kdcExchange(REAL, PORT, 'tcp', request, 2000)).outcome).toBe('refused');
  });
});

describe.skipIf(!kdc.available)('precheck on a sandbox with real MIT KDCs', () => {
  let sb: RunningSandbox;
  let dir: string;
  const cli = (args: string[]) => runCli([...args, '--config', sb.configPath], { env });
  const precheck = async (...extra: string[]) => {
    const r = await cli(['precheck', 'alpha', 'beta', '--json', ...extra]);
    return { code: r.code, stderr: r.stderr, doc: precheckResultSchema.parse(JSON.parse(r.stdout)) };
  };
  const defaultPassword = (doc: ReturnType<typeof precheckResultSchema.parse>) => doc.checks.filter((c) => c.name === 'default-password').map((c) => [c.cluster, c.status]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mrs-precheck-kdc-'));
    sb = await startSandbox({ stateDir: dir, subnet: 186, restartMs: 30, clusters: ['alpha', 'beta'] });
  });
  afterAll(async () => {
    await sb?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the probe reaches every real KDC (krb5kdc logs it); before link the default-password check passes (no principal yet)', async () => {
    const { code, doc, stderr } = await precheck();
    expect(code, stderr).toBe(0);
    expect(doc.checks.filter((c) => c.name === 'kdc-reachable').map((c) => [c.cluster, c.status])).toEqual([['alpha', 'pass'], ['beta', 'pass']]);
    expect(doc.checks.find((c) => c.name === 'kdc-reachable' && c.cluster === 'alpha')?.found.join('\n')).toContain('UDP: a KDC (KRB-ERROR KDC_ERR_C_PRINCIPAL_UNKNOWN for realm ALPHA.MRS');
    for (const [cluster, realm] of [['alpha', 'ALPHA.MRS'], ['beta', 'BETA.MRS']]) {
      expect(readFileSync(join(dir, 'kdc', cluster as string, 'kdc.log'), 'utf8')).toContain(`${PROBE_PRINCIPAL}@${realm}`);
    }
    expect(defaultPassword(doc)).toEqual([['alpha', 'pass'], ['beta', 'pass']]);
    expect(doc.checks.find((c) => c.name === 'default-password' && c.cluster === 'alpha')?.found[0]).toMatch(/^krbtgt\/BETA\.MRS@ALPHA\.MRS does not exist yet/);
  });

  it('after link it warns, with status\'s message, that both KDCs accept the default password (exit 0; --strict: 3); after rotate it passes', async () => {
    expect((await cli(['link', 'alpha', 'beta', '--yes'])).code).toBe(0);
    const ps = sampleProcesses();
    const linked = await precheck();
    const processes = await ps.stop();
    expect(linked.code, linked.stderr).toBe(0);
    expect(defaultPassword(linked.doc)).toEqual([['alpha', 'warn'], ['beta', 'warn']]);
    const status = JSON.parse((await cli(['status', 'alpha', 'beta', '--json'])).stdout) as { warnings?: { cluster: string; message: string }[] };
    for (const w of status.warnings ?? []) {
      expect(linked.doc.checks.find((c) => c.name === 'default-password' && c.cluster === w.cluster)?.found).toEqual([w.message]);
    }
    expect(status.warnings).toHaveLength(2);
    expect(linked.doc.checks.find((c) => c.name === 'default-password')?.fixSteps[0]).toMatch(/^run `mrs-trust rotate alpha beta`/);
    // The default password went to kinit on stdin: in no command line. (The report names each
    // version's documented default in cross-realm-password on purpose; the check itself never does.)
    expect(processes).not.toContain('Crossrealm@123');
    expect(JSON.stringify(linked.doc.checks.filter((c) => c.name === 'default-password'))).not.toContain('Crossrealm@123');
    const kadmin = ['alpha', 'beta'].map((c) => readFileSync(join(dir, 'secrets', `${c}.kadmin.password`), 'utf8').trim());
    for (const secret of kadmin) for (const text of [processes, JSON.stringify(linked.doc), linked.stderr]) expect(text).not.toContain(secret);

    const strict = await cli(['precheck', 'alpha', 'beta', '--strict']);
    expect(strict.code).toBe(3);
    expect(strict.stderr).toMatch(/alpha default-password warn, beta default-password warn.*\(--strict\)/);

    const rotate = await cli(['rotate', 'alpha', 'beta', '--yes']);
    expect(rotate.code, rotate.stderr).toBe(0);
    const after = await precheck();
    expect(after.code).toBe(0);
    expect(defaultPassword(after.doc)).toEqual([['alpha', 'pass'], ['beta', 'pass']]);
    expect(after.doc.checks.find((c) => c.name === 'default-password' && c.cluster === 'beta')?.found).toEqual(["krbtgt/ALPHA.MRS@BETA.MRS: beta's KDC refused MRS's default password"]);
  }, 400_000);
});
