import { KadminOutputError, kadminFailure, parseGetprinc } from '../../domain/cross-realm.js';
import type { Secret } from '../../domain/secret.js';
import { shellQuote } from '../../domain/shell.js';
import { CheckError, RemoteError } from '../../errors/index.js';
import type { KdcAdmin } from '../../ports/kdc-admin.js';
import type { RemoteHost } from '../../ports/remote-host.js';
import { clientShellPreamble } from './client-env.js';

/** `clusters.<name>.kerberos.admin` with its host entry resolved. */
export interface KdcAdminSide {
  cluster: string;
  principal: string;
  clientDir: string;
  timeoutMs: number;
  password(): Promise<Secret>;
  /** A new, not yet connected host; the adapter closes it. */
  host(): Promise<RemoteHost>;
  signal: AbortSignal;
}

/** One kadmin query; kadmin reads the admin password, then any password the query asks for, from stdin. */
export function kadminCommand(clientDir: string, admin: string, query: string): string {
  return [...clientShellPreamble(clientDir), `kadmin -p ${shellQuote(admin)} -q ${shellQuote(query)}`].join('\n');
}

export function kinitCommand(clientDir: string, principal: string): string {
  return [...clientShellPreamble(clientDir), `kinit ${shellQuote(principal)}`].join('\n');
}

const PRINCIPAL = /^[A-Za-z0-9._/-]+@[A-Z0-9._-]+$/;

export function sshKdcAdmin(side: KdcAdminSide): KdcAdmin {
  let host: RemoteHost | undefined;
  const connect = async () => (host ??= await side.host());
  const where = () => `${side.cluster} (${host?.label ?? 'admin host'})`;

  async function run(command: string, stdin: string): Promise<string> {
    const h = await connect();
    const result = await h.exec(command, { timeoutMs: side.timeoutMs, stdin, signal: side.signal });
    return `${result.stdout}\n${result.stderr}`;
  }

  async function kadmin(query: string, passwords: Secret[] = []): Promise<string> {
    const admin = await side.password();
    const stdin = [admin, ...passwords].map((p) => `${p.reveal()}\n`).join('');
    const output = await run(kadminCommand(side.clientDir, side.principal, query), stdin);
    if (/Incorrect password while initializing kadmin|Client '.*' not found in Kerberos database/.test(output)) {
      throw new RemoteError('KDC_ADMIN_LOGIN', `${where()}: kadmin refused ${side.principal}`, { hint: `check clusters.${side.cluster}.kerberos.admin.principal and .password` });
    }
    if (/kadmin: .*while initializing kadmin interface|command not found/.test(output)) {
      throw new RemoteError('KDC_ADMIN_UNAVAILABLE', `${where()}: kadmin did not start: ${kadminFailure(output) ?? output.trim().split('\n').pop()}`, { hint: `check clusters.${side.cluster}.kerberos.admin.host and .clientDir (bigdata_env, krb5.conf admin_server)` });
    }
    return output;
  }

  const name = (principal: string) => {
    if (!PRINCIPAL.test(principal)) throw new Error(`not a principal: ${principal}`);
    return principal;
  };

  return {
    get host() {
      return host?.label ?? side.cluster;
    },
    async getPrincipal(principal) {
      try {
        return parseGetprinc(await kadmin(`getprinc ${name(principal)}`));
      } catch (error) {
        if (!(error instanceof KadminOutputError)) throw error;
        throw new RemoteError('KDC_ADMIN_FAILED', `${where()}: kadmin getprinc ${principal}: ${error.message}`, { hint: `check clusters.${side.cluster}.kerberos.admin (host, clientDir) and that kadmin reaches the admin server`, details: { cause: 'kdc-admin-failed' } });
      }
    },
    async changePassword(principal, password, options) {
      // kadmin asks twice for the new password ("Enter", "Re-enter").
      const output = await kadmin(`cpw${options.keepOld ? ' -keepold' : ''} ${name(principal)}`, [password, password]);
      if (!output.includes(`Password for "${principal}" changed.`)) {
        const reason = kadminFailure(output) ?? 'no confirmation from kadmin';
        throw new CheckError('KDC_REFUSED', `${where()}: the KDC refused the key change of ${principal}: ${reason}`, { details: { cluster: side.cluster, principal, reason } });
      }
    },
    async setKvno(principal, kvno) {
      const output = await kadmin(`modprinc -kvno ${Math.trunc(kvno)} ${name(principal)}`);
      if (!output.includes(`Principal "${principal}" modified.`)) {
        const reason = kadminFailure(output) ?? 'no confirmation from kadmin';
        throw new CheckError('KDC_REFUSED', `${where()}: the KDC refused to set kvno ${kvno} on ${principal}: ${reason}`, { details: { cluster: side.cluster, principal, reason } });
      }
    },
    async acceptsPassword(principal, password) {
      const h = await connect();
      const result = await h.exec(kinitCommand(side.clientDir, name(principal)), { timeoutMs: side.timeoutMs, stdin: `${password.reveal()}\n`, signal: side.signal });
      if (result.exitCode === 0) return true;
      const output = `${result.stdout}\n${result.stderr}`;
      return /Password incorrect|Preauthentication failed/i.test(output) ? false : undefined;
    },
    async close() {
      await host?.close().catch(() => undefined);
      host = undefined;
    },
  };
}
