/** Errors the sandbox reports to its callers (the CLI maps `code` to an exit status). */
export class SandboxError extends Error {
  constructor(
    readonly code: 'SANDBOX_NAMES' | 'SANDBOX_FAULTS' | 'SANDBOX_ADDRESS_IN_USE' | 'SANDBOX_LISTEN' | 'SANDBOX_CONSOLE' | 'SANDBOX_NOT_RUNNING' | 'SANDBOX_MRS3',
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

const GREEK = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu', 'nu', 'xi', 'omicron', 'pi', 'rho', 'sigma', 'tau', 'upsilon', 'phi', 'chi', 'psi', 'omega'];
/** Same rule as clusters.yaml cluster names. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** `--clusters` or `--count` → the cluster names (alpha, beta, …, then c25, c26, …). */
export function resolveNames(names: string[] | undefined, count: number | undefined): string[] {
  if (names && count !== undefined) throw new SandboxError('SANDBOX_NAMES', 'give --clusters or --count, not both');
  const list = names ?? Array.from({ length: count ?? 2 }, (_, i) => GREEK[i] ?? `c${i + 1}`);
  if (list.length < 1 || list.length > 200) throw new SandboxError('SANDBOX_NAMES', `--count must be 1..200 (got ${list.length})`);
  const seen = new Set<string>();
  for (const name of list) {
    if (!NAME.test(name)) throw new SandboxError('SANDBOX_NAMES', `--clusters: "${name}" is not a valid cluster name (letters, digits, "-", "_"; at most 63)`);
    const key = name.toUpperCase().replace(/-/g, '_');
    if (seen.has(key)) throw new SandboxError('SANDBOX_NAMES', `--clusters: "${name}" would share its realm with another cluster`);
    seen.add(key);
  }
  return list;
}
