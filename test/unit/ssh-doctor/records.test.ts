import { describe, expect, it } from 'vitest';
import { readClientOutput, parseKnownLookup, parseBanners, opensshVersion } from '../../../src/domain/ssh-doctor/client-output.js';
import { authorizedKeysFiles, parseLsLine, parseLsZ, parseMaxStartups, parsePasswdS, parseShadow, parseSshdT, parseStatLine, splitSections } from '../../../src/domain/ssh-doctor/records.js';

describe('recorded file facts', () => {
  it('reads stat -c lines and missing paths', () => {
    expect(parseStatLine('700 1001 1001 omm omm directory|/home/omm/.ssh')).toEqual({ path: '/home/omm/.ssh', exists: true, mode: 0o700, uid: 1001, gid: 1001, owner: 'omm', group: 'omm', type: 'directory' });
    expect(parseStatLine('664 0 0 root root regular file|/home/omm/.ssh/authorized_keys')).toMatchObject({ mode: 0o664, owner: 'root', type: 'file' });
    expect(parseStatLine('missing|/home/omm/.ssh/authorized_keys2')).toEqual({ path: '/home/omm/.ssh/authorized_keys2', exists: false });
    expect(parseStatLine('garbage')).toBeUndefined();
  });

  it('reads ls -ld lines (names, numeric ids, SELinux dot, setgid)', () => {
    expect(parseLsLine('drwxrwxr-x. 2 omm dba 4096 Jan  1 10:00 /home/omm')).toMatchObject({ path: '/home/omm', mode: 0o775, owner: 'omm', group: 'dba', type: 'directory' });
    expect(parseLsLine('-rw------- 1 1001 1001 394 Mar 3  2024 /home/omm/.ssh/authorized_keys')).toMatchObject({ mode: 0o600, uid: 1001, gid: 1001, type: 'file' });
    expect(parseLsLine('drwxr-s--- 2 omm omm 4096 Jan  1 10:00 /srv/x')).toMatchObject({ mode: 0o750 });
  });

  it('reads SELinux contexts from ls -dZ, short and RHEL 6 long form; "?" means no SELinux', () => {
    const rhel8 = 'unconfined_u:object_r:user_home_t:s0 /home/omm/.ssh\nunconfined_u:object_r:ssh_home_t:s0 /home/omm/.ssh/authorized_keys\n';
    expect(parseLsZ(rhel8)).toEqual([
      { path: '/home/omm/.ssh', context: 'unconfined_u:object_r:user_home_t:s0', type: 'user_home_t' },
      { path: '/home/omm/.ssh/authorized_keys', context: 'unconfined_u:object_r:ssh_home_t:s0', type: 'ssh_home_t' },
    ]);
    expect(parseLsZ('drwx------. omm omm system_u:object_r:default_t:s0 /data/omm/.ssh')).toEqual([{ path: '/data/omm/.ssh', context: 'system_u:object_r:default_t:s0', type: 'default_t' }]);
    expect(parseLsZ('? /home/omm/.ssh\n? /home/omm/.ssh/authorized_keys')).toEqual([]);
  });

  it('reads sshd -T, AuthorizedKeysFile tokens and MaxStartups', () => {
    const t = parseSshdT('port 22\nauthorizedkeysfile .ssh/authorized_keys /etc/ssh/keys/%u\nmaxstartups 10:30:100\nusepam yes\n');
    expect(t.get('maxstartups')).toBe('10:30:100');
    expect(authorizedKeysFiles(t.get('authorizedkeysfile'), '/home/omm', 'omm')).toEqual(['/home/omm/.ssh/authorized_keys', '/etc/ssh/keys/omm']);
    expect(authorizedKeysFiles(undefined, '/root', 'root')).toEqual(['/root/.ssh/authorized_keys', '/root/.ssh/authorized_keys2']);
    expect(parseMaxStartups('10:30:100')).toEqual({ start: 10, rate: 30, full: 100 });
    expect(parseMaxStartups('20')).toEqual({ start: 20, rate: 100, full: 20 });
  });

  it('judges lock and expiry from a shadow line (hash replaced) against the host day', () => {
    const today = 20_000;
    expect(parseShadow('omm:!H:19990:0:99999:7:::', today)).toMatchObject({ locked: true, passwordExpired: false, accountExpired: false });
    expect(parseShadow('omm:H:19000:0:90:7:::', today)).toMatchObject({ locked: false, passwordExpired: true });
    expect(parseShadow('omm:H:0:0:99999:7:::', today)).toMatchObject({ passwordExpired: true });
    expect(parseShadow('omm:H:19990:0:99999:7::19999:', today)).toMatchObject({ accountExpired: true });
    expect(parseShadow('omm:*:19990:0:99999:7:::', today)).toMatchObject({ locked: false, noPassword: true });
    expect(parseShadow('omm:$6$salt$hash:19990:0:99999:7:::', today)?.evidence).toBe('omm:<hash>:19990:0:99999:7:::');
    expect(parsePasswdS('omm L 05/01/2024 0 99999 7 -1')).toEqual({ user: 'omm', status: 'L', lastChange: '05/01/2024' });
    expect(parsePasswdS('omm P 2024-05-01 0 99999 7 -1')?.status).toBe('P');
  });

  it('splits sections and keeps what came before the first header (rc noise)', () => {
    const s = splitSections('Welcome!\n\n@@n1 begin\n\n@@n1 id\n0\nroot\n\n@@n1 end\n', 'n1');
    expect(s.get('')).toBe('Welcome!');
    expect(s.get('id')).toBe('0\nroot');
  });
});

const V = 'OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026\ndebug1: Reading configuration data /etc/ssh/ssh_config\n';

describe('ssh -v output', () => {
  it('names refused, timed out, unreachable and unknown names', () => {
    expect(readClientOutput(255, `${V}debug1: Connecting to 10.0.0.2 [10.0.0.2] port 22.\nssh: connect to host 10.0.0.2 port 22: Connection refused\n`).outcome).toBe('refused');
    expect(readClientOutput(255, `${V}debug1: connect to address 10.0.0.2 port 22: Connection timed out\nssh: connect to host 10.0.0.2 port 22: Connection timed out\n`).outcome).toBe('timeout');
    expect(readClientOutput(255, `${V}ssh: connect to host 10.0.0.2 port 22: No route to host\n`).outcome).toBe('unreachable');
    expect(readClientOutput(255, `${V}ssh: Could not resolve hostname node9: Name or service not known\n`).outcome).toBe('name-unknown');
  });

  it('names a drop before the banner (MaxStartups)', () => {
    const r = readClientOutput(255, `${V}debug1: Connection established.\nkex_exchange_identification: read: Connection reset by peer\nConnection reset by 10.0.0.2 port 22\n`);
    expect(r.outcome).toBe('closed-before-banner');
  });

  it('separates a changed host key from an unknown one and reads the offered key', () => {
    const changed = readClientOutput(255, `${V}debug1: Server host key: ssh-ed25519 SHA256:AbCdEf0123456789AbCdEf0123456789AbCdEf01234\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\nHost key for [10.0.0.2]:2222 has changed and you have requested strict checking.\nHost key verification failed.\n`);
    expect(changed.outcome).toBe('host-key-changed');
    expect(changed.serverHostKey).toEqual({ type: 'ssh-ed25519', fingerprint: 'SHA256:AbCdEf0123456789AbCdEf0123456789AbCdEf01234' });
    expect(readClientOutput(255, `${V}No ED25519 host key is known for [10.0.0.2]:2222 and you have requested strict checking.\nHost key verification failed.\n`).outcome).toBe('host-key-unknown');
  });

  it('reads a refused login: offered keys, ignored private keys, RSA without a mutual signature algorithm', () => {
    const r = readClientOutput(255, `${V}@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @\nPermissions 0644 for '/home/omm/.ssh/id_ed25519' are too open.\ndebug1: Offering public key: /home/omm/.ssh/id_rsa RSA SHA256:q63q8axm+4iQV4NxrDVlo65XhEEitEGDurSMplNbYMo\ndebug1: send_pubkey_test: no mutual signature algorithm\nomm@10.0.0.2: Permission denied (publickey).\n`);
    expect(r.outcome).toBe('auth-refused');
    expect(r.offered).toEqual([{ path: '/home/omm/.ssh/id_rsa', type: 'RSA', fingerprint: 'SHA256:q63q8axm+4iQV4NxrDVlo65XhEEitEGDurSMplNbYMo' }]);
    expect(r.unprotected).toEqual([{ path: '/home/omm/.ssh/id_ed25519', mode: '0644' }]);
    expect(r.noMutualSignature).toBe(true);
    expect(r.clientVersion).toBe('OpenSSH_9.2p1');
    expect(opensshVersion('OpenSSH_7.1p2')).toEqual([7, 1]);
  });

  it('sees an expired password under PAM and an exit 0 as ok', () => {
    expect(readClientOutput(1, `${V}WARNING: Your password has expired.\nPassword change required but no TTY available.\n`).outcome).toBe('password-change-required');
    expect(readClientOutput(0, `${V}debug1: Authentication succeeded (publickey).\n`).outcome).toBe('ok');
    expect(readClientOutput(255, `${V}something odd\n`)).toMatchObject({ outcome: 'failed', evidence: 'exit 255: something odd' });
  });

  it('reads ssh-keygen -l -F and ssh-keyscan banners', () => {
    expect(parseKnownLookup('# Host [127.0.0.5]:22022 found: line 3 \n[127.0.0.5]:22022 ED25519 SHA256:M+iWXRkn6iBTuvhKWGZjx/uRda+r7ShKJI5GToxSCDI\n')).toEqual([{ name: '[127.0.0.5]:22022', type: 'ED25519', fingerprint: 'SHA256:M+iWXRkn6iBTuvhKWGZjx/uRda+r7ShKJI5GToxSCDI', line: 3 }]);
    expect(parseBanners('# 10.0.0.2:22 SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\n')).toEqual([{ port: 22, banner: 'SSH-2.0-OpenSSH_9.2p1' }]);
  });
});
