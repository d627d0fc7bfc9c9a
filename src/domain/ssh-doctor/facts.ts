import { authorizedKeyOf, type PublicKey as Key } from '../ssh-trust.js';
import { parseBanners, parseKnownLookup, readClientOutput, type ClientReading, type KnownEntry } from './client-output.js';
import { parseLsZ, parsePasswdS, parseShadow, parseSshdT, parseStatLine, splitSections, type AccountState, type PathStat, type SelinuxLabel } from './records.js';

/** A public key with its comment (`type base64 [comment]`). */
export type PublicKey = Key & { comment: string };

export interface AuthorizedLine extends PublicKey {
  file: string;
  line: number;
}

export interface KeyPair {
  /** `id_ed25519` */
  name: string;
  /** The public half derived from the private key (`ssh-keygen -y`), or why that failed. */
  derived?: PublicKey;
  derivedError?: string;
  /** The `.pub` file next to it. */
  pub?: PublicKey;
}

/** What the doctor learned about one host for the trust user (from `inspectScript`). */
export interface HostFacts {
  /** Who the inspection ran as (`root` can read shadow and `sshd -T`). */
  loginUser: string;
  asRoot: boolean;
  user: string;
  /** The trust user's uid and home (passwd entry). */
  uid?: number;
  home?: string;
  today?: number;
  /** Output printed before the script's first line: the login shell's start-up files talking. */
  noise: string;
  stats: PathStat[];
  selinux: string;
  labels: SelinuxLabel[];
  keys: KeyPair[];
  /** Files sshd reads for this user and their key lines (missing files have no lines). */
  authorized: { path: string; lines: AuthorizedLine[] }[];
  /** `sshd -T` of the daemon on the host file's port (root only). */
  sshd?: Map<string, string>;
  sshdCommand?: string;
  account?: AccountState;
  passwdStatus?: 'L' | 'NP' | 'P';
}

export function sameKey(a: PublicKey | undefined, b: PublicKey | undefined): boolean {
  return a !== undefined && b !== undefined && a.type === b.type && a.base64 === b.base64;
}

function keysOf(sections: Map<string, string>): KeyPair[] {
  const pairs: KeyPair[] = [];
  for (const [name, text] of sections) {
    const m = /^derived (\S+)$/.exec(name);
    if (!m) continue;
    const key = m[1] ?? '';
    const derived = authorizedKeyOf(text.split('\n')[0] ?? '');
    const pub = authorizedKeyOf((sections.get(`pub ${key}`) ?? '').split('\n')[0] ?? '');
    pairs.push({ name: key, ...(derived ? { derived } : { derivedError: text.trim().split('\n').pop() ?? 'no output' }), ...(pub ? { pub } : {}) });
  }
  return pairs;
}

function authorizedOf(sections: Map<string, string>): HostFacts['authorized'] {
  const files: HostFacts['authorized'] = [];
  for (const [name, text] of sections) {
    if (!name.startsWith('ak ')) continue;
    const file = name.slice(3);
    const lines: AuthorizedLine[] = [];
    text.split('\n').forEach((raw, i) => {
      const key = authorizedKeyOf(raw);
      if (key) lines.push({ ...key, file, line: i + 1 });
    });
    files.push({ path: file, lines });
  }
  return files;
}

function accountOf(s: Map<string, string>, today: number | undefined): Pick<HostFacts, 'account' | 'passwdStatus'> {
  const shadow = s.get('shadow')?.trim();
  const account = shadow && today !== undefined ? parseShadow(shadow, today) : undefined;
  const status = parsePasswdS(s.get('passwd-S') ?? '');
  return { ...(account ? { account } : {}), ...(status ? { passwdStatus: status.status } : {}) };
}

function sshdOf(s: Map<string, string>): Pick<HostFacts, 'sshd' | 'sshdCommand'> {
  const t = s.get('sshd-T');
  const command = s.get('sshd-cmdline');
  return { ...(t !== undefined && /^[a-z]+ /m.test(t) ? { sshd: parseSshdT(t) } : {}), ...(command ? { sshdCommand: command } : {}) };
}

function userOf(s: Map<string, string>): Pick<HostFacts, 'uid' | 'home' | 'today'> {
  const passwd = (s.get('passwd') ?? '').split(':');
  const today = Number(s.get('today'));
  return {
    ...(passwd[2] && /^\d+$/.test(passwd[2]) ? { uid: Number(passwd[2]) } : {}),
    ...(passwd[5] ? { home: passwd[5] } : {}),
    ...(s.has('today') && Number.isFinite(today) ? { today } : {}),
  };
}

const statsOf = (s: Map<string, string>) =>
  [...s.entries()].filter(([name]) => name === 'stat' || name.startsWith('akstat ')).flatMap(([, text]) => text.split('\n').map(parseStatLine)).filter((x): x is PathStat => x !== undefined);

/** Parses the output of `inspectScript`; undefined when the script did not run (no `begin`). */
export function parseInspect(text: string, nonce: string, user: string): HostFacts | undefined {
  const s = splitSections(text, nonce);
  if (!s.has('begin')) return undefined;
  const [uid = '', loginUser = ''] = (s.get('id') ?? '').split('\n');
  const who = userOf(s);
  return {
    loginUser: loginUser.trim(),
    asRoot: uid.trim() === '0',
    user,
    ...who,
    noise: s.get('') ?? '',
    stats: statsOf(s),
    selinux: (s.get('selinux') ?? '').trim() || 'absent',
    labels: parseLsZ(s.get('lsZ') ?? ''),
    keys: keysOf(s),
    authorized: authorizedOf(s),
    ...sshdOf(s),
    ...accountOf(s, who.today),
  };
}

/** What host X saw when it tried plain `ssh` to peer Y (from `probeScript`). */
export interface PairProbe {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  reading: ClientReading;
  /** Exit code of the one retry after a drop before the banner. */
  retryExitCode?: number;
  /** X's known_hosts entries for Y as the user names it. */
  known: KnownEntry[];
  /** For a host name: its address on X and the entries for that address. */
  address?: string;
  knownByAddress?: KnownEntry[];
  /** Other ports of Y where an SSH server answered (only looked for after "refused"). */
  banners: { port: number; banner: string }[];
}

function probeAt(s: Map<string, string>, i: number): PairProbe {
  const rcText = (s.get(`rc ${i}`) ?? '').trim();
  const exitCode = rcText !== '' && Number.isFinite(Number(rcText)) ? Number(rcText) : null;
  const stderr = s.get(`err ${i}`) ?? '';
  const retry = s.get(`retry ${i}`);
  const address = s.get(`ip ${i}`)?.trim();
  return {
    exitCode,
    stdout: s.get(`out ${i}`) ?? '',
    stderr,
    reading: readClientOutput(exitCode, stderr),
    ...(retry !== undefined ? { retryExitCode: Number(retry.trim()) } : {}),
    known: parseKnownLookup(s.get(`known ${i}`) ?? ''),
    ...(address ? { address } : {}),
    ...(s.has(`known-ip ${i}`) ? { knownByAddress: parseKnownLookup(s.get(`known-ip ${i}`) ?? '') } : {}),
    banners: parseBanners(s.get(`ports ${i}`) ?? ''),
  };
}

/** Parses the output of `probeScript`: one entry per probed peer index. */
export function parseProbes(text: string, nonce: string): Map<number, PairProbe> {
  const s = splitSections(text, nonce);
  const out = new Map<number, PairProbe>();
  for (const name of s.keys()) {
    const m = /^rc (\d+)$/.exec(name);
    if (m) out.set(Number(m[1]), probeAt(s, Number(m[1])));
  }
  return out;
}
