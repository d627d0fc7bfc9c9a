import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type ConnectConfig } from 'ssh2';
import { ConfigError } from '../../errors/index.js';
import type { RemoteHostOptions, SshTarget } from '../../ports/remote-host.js';
import { toRemoteError } from './errors.js';
import { appendKnownHost, fingerprintOf, judgeHostKey, knownHostsName, knownKeysFor, readKnownHosts, serverHostKeyOrder, type Verdict } from './host-key.js';

// NOTE: ssh2 is CommonJS; Node's ESM loader does not expose `utils` as a named export.
const { Client, utils } = ssh2;

const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

export function defaultKnownHosts(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

/** True when the key file is encrypted (so a passphrase must be asked for); false if unreadable. */
export async function keyNeedsPassphrase(path: string): Promise<boolean> {
  const data = await readFile(path).catch(() => undefined);
  if (!data) return false;
  const parsed = utils.parseKey(data);
  return parsed instanceof Error && /passphrase/i.test(parsed.message);
}

/** Reads and parses the private key now, so a bad file or passphrase is a clear config error (exit 2). */
async function loadKey(target: SshTarget): Promise<{ privateKey: Buffer; passphrase?: string } | undefined> {
  if (!target.key) return undefined;
  const f = target.field;
  let privateKey: Buffer;
  try {
    privateKey = await readFile(target.key);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${f}.key`, `cannot read private key ${target.key} (${code === 'ENOENT' ? 'not found' : (code ?? 'error')})`, { cause: error });
  }
  const passphrase = target.passphrase?.reveal();
  const parsed = utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error) {
    if (/no passphrase/i.test(parsed.message)) throw new ConfigError(`${f}.keyPassphrase`, `the key ${target.key} is encrypted: give its passphrase`, { hint: 'keyPassphrase: { env: NAME } or { file: PATH }' });
    if (/passphrase/i.test(parsed.message)) throw new ConfigError(`${f}.keyPassphrase`, `wrong passphrase for ${target.key}`, { hint: `check the secret named by ${f}.keyPassphrase` });
    throw new ConfigError(`${f}.key`, `${target.key} is not a usable private key (${parsed.message})`);
  }
  return passphrase === undefined ? { privateKey } : { privateKey, passphrase };
}

/** Explicit credentials win; the agent is a fallback only when none is configured. */
function authConfig(target: SshTarget, key: { privateKey: Buffer; passphrase?: string } | undefined, password: string | undefined): Partial<ConnectConfig> {
  const auth: Partial<ConnectConfig> = { ...(key ?? {}), tryKeyboard: password !== undefined };
  if (password !== undefined) auth.password = password;
  if (!key && password === undefined && target.agent) auth.agent = target.agent;
  return auth;
}

async function knownHostsText(target: SshTarget, path: string): Promise<string> {
  try {
    return await readKnownHosts(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`${target.field}.knownHosts`, `cannot read known_hosts file ${path} (${code})`, { cause: error });
  }
}

export interface Opened {
  client: InstanceType<typeof Client>;
  /** Set when --accept-new recorded a new key. */
  accepted?: string;
}

/**
 * Connects and authenticates. The host key is judged before authentication starts: a refused
 * key ends the handshake, so no password or key signature is ever sent to an unverified host.
 */
export async function openClient(target: SshTarget, options: RemoteHostOptions, label: string): Promise<Opened> {
  const key = await loadKey(target);
  const knownPath = target.knownHosts ?? defaultKnownHosts();
  const name = knownHostsName(target.host, target.port);
  const known = target.hostKey === undefined ? knownKeysFor(await knownHostsText(target, knownPath), name) : [];
  let verdict: Verdict | undefined;
  let offered: Buffer | undefined;
  const password = target.password?.reveal();
  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.user,
    readyTimeout: options.connectTimeoutMs ?? 20_000,
    keepaliveInterval: 15_000,
    keepaliveCountMax: 3,
    ...authConfig(target, key, password),
    hostVerifier: (blob: Buffer) => {
      offered = blob;
      verdict = judgeHostKey(blob, target.hostKey !== undefined ? { pin: target.hostKey } : { known });
      return verdict.kind === 'trusted' || (verdict.kind === 'unknown' && options.acceptNew === true);
    },
  };
  if (known.length > 0) config.algorithms = { serverHostKey: serverHostKeyOrder(known, HOST_KEY_ALGORITHMS) as never };

  const client = new Client();
  if (password !== undefined) {
    // Hosts with PAM ask for the password through keyboard-interactive.
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)));
  }
  await new Promise<void>((resolve, reject) => {
    const onError = (error: unknown) => {
      client.removeListener('ready', onReady);
      // ssh2 may emit a second 'error' (e.g. "Connection lost before handshake") while ending.
      client.on('error', () => undefined);
      client.end();
      const refused = verdict && verdict.kind !== 'trusted' && !(verdict.kind === 'unknown' && options.acceptNew) ? verdict : undefined;
      reject(toRemoteError(error, target, label, refused));
    };
    const onReady = () => {
      client.removeListener('error', onError);
      resolve();
    };
    client.once('error', onError);
    client.once('ready', onReady);
    try {
      client.connect(config);
    } catch (error) {
      onError(error);
    }
  });
  // NOTE: without TCP_NODELAY streamed SFTP writes crawl at ~2 MB/s (Nagle); measured, node-notes.md.
  client.setNoDelay(true);
  if (verdict?.kind === 'unknown' && offered) {
    if (target.hostKey === undefined) {
      await appendKnownHost(knownPath, name, offered).catch((error: NodeJS.ErrnoException) => {
        client.end();
        throw new ConfigError(`${target.field}.knownHosts`, `cannot record the accepted host key in ${knownPath} (${error.code ?? error.message})`, { cause: error });
      });
    }
    return { client, accepted: `${fingerprintOf(offered)} (recorded in ${knownPath})` };
  }
  return { client };
}
