#!/usr/bin/env node
/**
 * Records what a real MIT KDC answers to the pre-check's KDC probe, for the unit tests
 * (test/fixtures/mit-kdc-replies.json). Needs krb5kdc (Debian krb5-kdc) and `npm run build`;
 * run it in a private network namespace: `/work/isolated.sh node scripts/record-kdc-replies.mjs`
 * or anywhere 127.0.0.1:21799 is free. Starts one KDC (realm PROBE.TEST), sends each request
 * over UDP and TCP, stops it, and writes the replies as hex.
 */
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealmKdc } from '../dist/sandbox/kdc/realm-kdc.js';
import { buildProbeRequest, frameTcp, unframeTcp } from '../dist/domain/kerberos/probe.js';

const HOST = '127.0.0.1';
const PORT = 21799;
const REALM = 'PROBE.TEST';
const hex = (b) => Buffer.from(b).toString('hex');

function udp(payload) {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => (s.close(), resolve(null)), 1500);
    s.on('message', (m) => (clearTimeout(timer), s.close(), resolve(hex(m))));
    s.send(payload, PORT, HOST);
  });
}

function tcp(payload) {
  return new Promise((resolve) => {
    const chunks = [];
    const s = connect(PORT, HOST, () => s.write(payload));
    s.setTimeout(1500, () => (s.destroy(), resolve({ reply: null, closed: false })));
    s.on('data', (d) => {
      chunks.push(d);
      const msg = unframeTcp(Buffer.concat(chunks));
      if (msg) {
        s.destroy();
        resolve({ reply: hex(msg), closed: false });
      }
    });
    s.on('end', () => resolve({ reply: chunks.length ? hex(Buffer.concat(chunks)) : null, closed: true }));
    s.on('error', (e) => resolve({ reply: null, error: e.code }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'mrs-record-kdc-'));
const kdc = new RealmKdc(REALM, dir, [`${HOST}:${PORT}`]);
try {
  await kdc.create();
  await kdc.start();
  const own = buildProbeRequest(REALM);
  const other = buildProbeRequest('OTHER.REALM');
  const garbage = Buffer.from('GET / HTTP/1.0\r\n\r\n');
  const out = {
    recordedWith: `MIT krb5-kdc ${execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'krb5-kdc']).toString().trim()}`,
    realm: REALM,
    udp: { ownRealm: await udp(own), otherRealm: await udp(other), garbage: await udp(garbage) },
    tcp: { ownRealm: await tcp(frameTcp(own)), otherRealm: await tcp(frameTcp(other)), garbage: await tcp(frameTcp(garbage)) },
  };
  const file = new URL('../test/fixtures/mit-kdc-replies.json', import.meta.url);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));
} finally {
  await kdc.stop();
  rmSync(dir, { recursive: true, force: true });
}
