import { describe, expect, it } from 'vitest';
import { diagnosePair, type PairInput } from '../../../src/domain/ssh-doctor/diagnose.js';
import { parseInspect, parseProbes, type PairProbe } from '../../../src/domain/ssh-doctor/facts.js';
import { fixCommand } from '../../../src/domain/ssh-doctor/fixes.js';
import { parseHostEntry, type SshHostEntry } from '../../../src/domain/ssh-hosts.js';

/**
 * The diagnosis from recorded command output: what the inspection script and the probe print
 * on real hosts (RHEL with SELinux, an old client, a full MaxStartups cannot be produced on this
 * machine, so their output is recorded here).
 */
const N = 'n0';
const X = parseHostEntry('omm@10.0.0.1:22', 1, { user: 'omm', port: 22 }) as SshHostEntry;
const Y = parseHostEntry('omm@10.0.0.2:22', 2, { user: 'omm', port: 22 }) as SshHostEntry;
const KEY_X = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE9oFxEVmS3fFLXNM/k3RTkyW5PmXjohs4HAGYa/oRVA';
const KEY_OLD = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK8wZq3kL5zYtP0v0nYJ1n2lXWq5rY9mB3aLJ8dQe7Hc';
const V = 'OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026\n';

interface Host {
  root?: boolean;
  home?: string;
  modes?: { home?: string; ssh?: string; ak?: string };
  akOwner?: string;
  authorized?: string[];
  selinux?: string;
  lsZ?: string;
  keys?: { derived: string; pub: string }[];
  sshdT?: string;
  shadow?: string;
}

/** The inspection script's output as a host prints it. */
function inspectOutput(h: Host): string {
  const home = h.home ?? '/home/omm';
  const m = h.modes ?? {};
  const s = (name: string) => `\n@@${N} ${name}\n`;
  let out = `${s('begin')}${s('id')}${h.root ? '0\nroot' : '1001\nomm'}${s('passwd')}omm:x:1001:1001::${home}:/bin/bash${s('today')}20000`;
  out += `${s('stat')}${m.home ?? '755'} 1001 1001 omm omm directory|${home}\n${m.ssh ?? '700'} 1001 1001 omm omm directory|${home}/.ssh\nmissing|${home}/.ssh/authorized_keys2`;
  out += `${s('selinux')}${h.selinux ?? 'absent'}${s('lsZ')}${h.lsZ ?? ''}`;
  (h.keys ?? []).forEach((k, i) => (out += `${s(`derived id_${i === 0 ? 'ed25519' : 'rsa'}`)}${k.derived}${s(`pub id_${i === 0 ? 'ed25519' : 'rsa'}`)}${k.pub}`));
  if (h.root) out += `${s('sshd-T')}${h.sshdT ?? 'usepam no\nstrictmodes yes'}${s('shadow')}${h.shadow ?? 'omm:H:19990:0:99999:7:::'}`;
  out += `${s(`akstat ${home}/.ssh/authorized_keys`)}${m.ak ?? '600'} ${h.akOwner === undefined ? '1001 1001 omm omm' : h.akOwner} regular file|${home}/.ssh/authorized_keys`;
  out += `${s(`ak ${home}/.ssh/authorized_keys`)}${(h.authorized ?? [`${KEY_X} mrs-trust:from=${X.label}`]).join('\n')}${s('end')}`;
  return out;
}

function probeOf(rc: number, stderr: string, extra = ''): PairProbe {
  const text = `\n@@${N} begin\n\n@@${N} probe 1\n\n@@${N} rc 1\n${rc}\n\n@@${N} out 1\n\n@@${N} err 1\n${stderr}${extra}\n@@${N} end\n`;
  return parseProbes(text, N).get(1) as PairProbe;
}

const DENIED = `${V}debug1: Offering public key: /home/omm/.ssh/id_ed25519 ED25519 SHA256:q63q8axm+4iQV4NxrDVlo65XhEEitEGDurSMplNbYMo\nomm@10.0.0.2: Permission denied (publickey).\n`;
const xFacts = (keys = [{ derived: KEY_X, pub: `${KEY_X} mrs-trust:generated=${X.label}` }]) => parseInspect(inspectOutput({ keys }), N, 'omm');

function diagnose(over: Partial<PairInput>) {
  return diagnosePair({ from: X, to: Y, probe: probeOf(255, DENIED), fromFacts: xFacts(), ...over });
}

describe('ssh doctor diagnosis from recorded output', () => {
  it('SELinux: ~/.ssh labelled user_home_t on an enforcing RHEL host → selinux-context on Y, restorecon, not auto-fixed', () => {
    const y = parseInspect(inspectOutput({ selinux: 'Enforcing', lsZ: 'unconfined_u:object_r:user_home_t:s0 /home/omm/.ssh\nunconfined_u:object_r:user_home_t:s0 /home/omm/.ssh/authorized_keys' }), N, 'omm');
    const d = diagnose({ toFacts: y });
    expect(d.causes.map((c) => [c.id, c.host, c.fixable])).toEqual([['selinux-context', Y.label, false]]);
    expect(d.causes[0]?.fix).toBe('restorecon -Rv /home/omm/.ssh');
    // The same host with correct labels: nothing named but "refused, unexplained".
    const ok = parseInspect(inspectOutput({ selinux: 'Enforcing', lsZ: 'unconfined_u:object_r:ssh_home_t:s0 /home/omm/.ssh' }), N, 'omm');
    expect(diagnose({ toFacts: ok }).causes.map((c) => c.id)).toEqual(['auth-refused']);
  });

  it('noise printed before the first section is the login shell talking', () => {
    expect(parseInspect(`Last login: yesterday\n${inspectOutput({})}`, N, 'omm')?.noise).toBe('Last login: yesterday');
  });

  it('a key in authorized_keys that sshd does not read (AuthorizedKeysFile elsewhere) → authorized-keys-file', () => {
    const y = parseInspect(inspectOutput({ root: true, sshdT: 'authorizedkeysfile /etc/ssh/authorized_keys/%u\nusepam no' }), N, 'omm');
    expect(diagnose({ toFacts: y }).causes.map((c) => c.id)).toEqual(['authorized-keys-file']);
  });

  it("Y holds this tool's older key for X → key-mismatch on Y, fixed by re-adding X's current (generated) key", () => {
    const y = parseInspect(inspectOutput({ authorized: [`${KEY_OLD} mrs-trust:from=${X.label}`] }), N, 'omm');
    const [c] = diagnose({ toFacts: y }).causes;
    expect([c?.id, c?.host, c?.fixable]).toEqual(['key-mismatch', Y.label, true]);
    expect(c?.action).toEqual({ kind: 'add-authorized-key', user: 'omm', file: '/home/omm/.ssh/authorized_keys', line: `${KEY_X} mrs-trust:from=${X.label}` });
    expect(fixCommand(c?.action as never, false)).toContain('grep -qxF');
  });

  it('X whose .pub no longer matches its private key → key-mismatch on X; a key not made by this tool is not re-added', () => {
    const x = xFacts([{ derived: KEY_X, pub: `${KEY_OLD} omm@old` }]);
    const y = parseInspect(inspectOutput({ authorized: [`${KEY_OLD} omm@old`] }), N, 'omm');
    const d = diagnose({ fromFacts: x, toFacts: y });
    expect(d.causes.map((c) => [c.id, c.host, c.fixable])).toEqual([['key-mismatch', X.label, false]]);
    const missing = diagnose({ fromFacts: xFacts([{ derived: KEY_X, pub: `${KEY_X} omm@laptop` }]), toFacts: parseInspect(inspectOutput({ authorized: [] }), N, 'omm') });
    expect(missing.causes.map((c) => [c.id, c.fixable])).toEqual([['key-missing', false]]);
    expect(missing.causes[0]?.notFixableBecause).toMatch(/not generated by mrs-trust/);
  });

  it('password expired under PAM → password-expired; a locked account with PAM is not blamed', () => {
    const y = parseInspect(inspectOutput({ root: true, sshdT: 'usepam yes', shadow: 'omm:H:19000:0:90:7:::' }), N, 'omm');
    const d = diagnose({ toFacts: y, probe: probeOf(1, `${V}WARNING: Your password has expired.\nPassword change required but no TTY available.\n`) });
    expect(d.causes.map((c) => c.id)).toEqual(['password-expired']);
    const locked = parseInspect(inspectOutput({ root: true, sshdT: 'usepam yes', shadow: 'omm:!H:19990:0:99999:7:::' }), N, 'omm');
    expect(diagnose({ toFacts: locked }).causes.map((c) => c.id)).toEqual(['auth-refused']);
  });

  it('an old client offering only RSA to a server that refuses ssh-rsa → rsa-sha1 on X', () => {
    const old = 'OpenSSH_7.1p2, OpenSSL 1.0.1e-fips 11 Feb 2013\ndebug1: Offering RSA public key: /home/omm/.ssh/id_rsa\n';
    const offered = `${old}debug1: Offering public key: /home/omm/.ssh/id_rsa RSA SHA256:q63q8axm+4iQV4NxrDVlo65XhEEitEGDurSMplNbYMo\nPermission denied (publickey).\n`;
    const y = parseInspect(inspectOutput({ root: true, sshdT: 'pubkeyacceptedalgorithms ssh-ed25519,rsa-sha2-512,rsa-sha2-256\nusepam no' }), N, 'omm');
    const d = diagnose({ toFacts: y, probe: probeOf(255, offered) });
    expect(d.causes.map((c) => [c.id, c.host])).toContainEqual(['rsa-sha1', X.label]);
  });

  it('a drop before the banner that works when retried alone → maxstartups with the sshd -T value', () => {
    const y = parseInspect(inspectOutput({ root: true, sshdT: 'maxstartups 10:30:100\nusepam no' }), N, 'omm');
    const p = probeOf(255, `${V}kex_exchange_identification: read: Connection reset by peer\n`, `\n@@${N} retry 1\n0`);
    const [c] = diagnose({ toFacts: y, probe: p }).causes;
    expect([c?.id, c?.host]).toEqual(['maxstartups', Y.label]);
    expect(c?.evidence).toContain('retried alone 1 s later: it worked');
    expect(c?.evidence).toContain('maxstartups 10:30:100');
  });

  it('a timeout is a filtered port; a refusal with another SSH port answering is a wrong port', () => {
    expect(diagnose({ probe: probeOf(255, `${V}ssh: connect to host 10.0.0.2 port 22: Connection timed out\n`) }).causes.map((c) => [c.id, c.host])).toEqual([['port-filtered', Y.label]]);
    const wrong = probeOf(255, `${V}ssh: connect to host 10.0.0.2 port 22: Connection refused\n`, `\n@@${N} ports 1\n# 10.0.0.2:2222 SSH-2.0-OpenSSH_9.2p1 Debian-2\n`);
    expect(diagnose({ probe: wrong }).causes.map((c) => c.id)).toEqual(['wrong-port']);
  });

  it('host key changed for the address of a host name, checked separately from the name', () => {
    const N2 = parseHostEntry('omm@node2', 2, { user: 'omm', port: 22 }) as SshHostEntry;
    const err = `${V}debug1: Server host key: ssh-ed25519 SHA256:NEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWN\nHost key for node2 has changed and you have requested strict checking.\nHost key verification failed.\n`;
    const extra = `\n@@${N} known 1\n# Host node2 found: line 1 \nnode2 ED25519 SHA256:OLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDO\n\n@@${N} ip 1\n10.0.0.2\n\n@@${N} known-ip 1\n# Host 10.0.0.2 found: line 2 \n10.0.0.2 ED25519 SHA256:OLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDO\n`;
    const d = diagnosePair({ from: X, to: N2, probe: probeOf(255, err, extra), pin: { fingerprint: 'SHA256:NEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWN', line: KEY_X } });
    expect(d.causes.map((c) => [c.id, c.host, c.fixable])).toEqual([
      ['host-key-changed', X.label, true],
      ['host-key-changed-ip', X.label, true],
    ]);
    expect(d.causes[1]?.action).toMatchObject({ kind: 'replace-known-host', name: '10.0.0.2' });
  });

  it('a source this machine cannot reach leaves its pairs unchecked, never ok', () => {
    const d = diagnosePair({ from: X, to: Y, probeError: 'connection refused' });
    expect(d.status).toBe('unchecked');
    expect(d.unchecked[0]).toContain('connection refused');
  });
});
