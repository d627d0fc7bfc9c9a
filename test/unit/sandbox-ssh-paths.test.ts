import { describe, expect, it } from 'vitest';
import { mapCommand, OutputUnmapper, toHost, toLocal } from '../../src/sandbox/ssh/paths.js';

const R = '/state/ssh/hosts/client1.alpha';

describe('sandbox host path mapping', () => {
  it('maps SFTP paths into the host root, never above it', () => {
    expect(toLocal(R, '/tmp/a.tar')).toBe(`${R}/tmp/a.tar`);
    expect(toLocal(R, 'relative')).toBe(`${R}/root/relative`);
    expect(toLocal(R, '/../../etc/passwd')).toBe(`${R}/etc/passwd`);
    expect(toLocal(R, '/')).toBe(R);
    expect(toHost(R, `${R}/opt/client`)).toBe('/opt/client');
    expect(toHost(R, R)).toBe('/');
  });

  it.each([
    ["cd '/opt/client' && sh refreshConfig.sh '/opt/client' '/tmp/x.tar'", `cd '${R}/opt/client' && sh refreshConfig.sh '${R}/opt/client' '${R}/tmp/x.tar'`],
    ['sha256sum -- /tmp/.a.part', `sha256sum -- ${R}/tmp/.a.part`],
    ['cat /etc/krb5.conf 2>/dev/null; ls /usr/bin /proc/1', `cat ${R}/etc/krb5.conf 2>/dev/null; ls /usr/bin /proc/1`],
    ['x=/tmp/y; echo "/opt" /optional /tmpfile', `x=${R}/tmp/y; echo "${R}/opt" /optional /tmpfile`],
    ['cat /.sandbox/refresh-fault', `cat ${R}/.sandbox/refresh-fault`],
  ])('rewrites %s', (command, expected) => {
    expect(mapCommand(R, command)).toBe(expected);
  });

  it('removes the root from output even when a chunk splits it', () => {
    const unmap = new OutputUnmapper(R);
    const text = `${R}/tmp/a\nfile ${R}/opt/client done`;
    const pieces = [text.slice(0, 10), text.slice(10, 40), text.slice(40)];
    const out = pieces.map((p) => unmap.push(p)).join('') + unmap.end();
    expect(out).toBe('/tmp/a\nfile /opt/client done');
    const partial = new OutputUnmapper(R);
    expect(partial.push('ends with /sta') + partial.end()).toBe('ends with /sta');
  });
});
