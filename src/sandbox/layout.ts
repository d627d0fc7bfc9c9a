/**
 * Where each simulated cluster lives on loopback. Cluster i (1-based, in the order of
 * `--clusters`) owns 127.<subnet>.<i>.0/24, so clusters never share an IP (the preflight would
 * refuse them) and sandboxes with different `--subnet` values can run side by side (tests do).
 * This is part of the sandbox contract in docs/sandbox.md.
 */
export const MANAGER_PORT = 28443;
export const CAS_PORT = 20009;
export const KDC_PORT = 21732;
export const SSH_PORT = 2222;
export const CLOUD_PORT = 9443;

export interface ClusterLayout {
  index: number;
  name: string;
  realm: string;
  /** Manager floating IP: Manager on MANAGER_PORT, CAS on CAS_PORT. */
  managerIp: string;
  /** The two KerberosServer instances (master nodes). */
  kdcIps: [string, string];
  /** Cluster nodes: two masters and a core node. */
  nodes: { name: string; ip: string }[];
  /** Client hosts (SSH on SSH_PORT). */
  clientIps: string[];
}

export interface SandboxLayout {
  subnet: number;
  /** The cloud API (MRS + VPC endpoints) shared by all clusters of one sandbox. */
  cloudIp: string;
  clusters: ClusterLayout[];
}

export function realmOf(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9._]/g, '_')}.MRS`;
}

export function sandboxLayout(names: readonly string[], subnet = 0, clientsPerCluster = 2): SandboxLayout {
  if (!Number.isInteger(subnet) || subnet < 0 || subnet > 254) throw new RangeError('subnet must be 0..254');
  if (names.length < 1 || names.length > 200) throw new RangeError('1..200 clusters');
  const ip = (i: number, host: number) => `127.${subnet}.${i}.${host}`;
  return {
    subnet,
    cloudIp: `127.${subnet}.250.1`,
    clusters: names.map((name, k) => {
      const i = k + 1;
      return {
        index: i,
        name,
        realm: realmOf(name),
        managerIp: ip(i, 10),
        kdcIps: [ip(i, 11), ip(i, 12)],
        nodes: [
          { name: `master1.${name}`, ip: ip(i, 11) },
          { name: `master2.${name}`, ip: ip(i, 12) },
          { name: `core1.${name}`, ip: ip(i, 13) },
        ],
        clientIps: Array.from({ length: clientsPerCluster }, (_, c) => ip(i, 21 + c)),
      };
    }),
  };
}
