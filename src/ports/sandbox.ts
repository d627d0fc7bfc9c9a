/**
 * The sandbox as the CLI sees it (src/sandbox/ implements it; main.ts wires it lazily, so the
 * CLI never imports the sandbox). The contract is docs/sandbox.md.
 */
export interface SandboxStartOptions {
  stateDir: string;
  clusters?: string[];
  count?: number;
  subnet?: number;
  seedPeer?: boolean;
  restartMs?: number;
  /** Path of a faults file (YAML or JSON). */
  faults?: string;
  /** false: Managers only, no SSH hosts or cloud API. */
  plugins?: boolean;
  /** The cloud API starts with the cross-cluster security-group rules missing (`--closed-groups`). */
  closedGroups?: boolean;
  /** `--manager`: assumed (default), documented or documented-reads (docs/sandbox.md "Manager profiles"). */
  manager?: 'assumed' | 'documented' | 'documented-reads';
}

export interface SandboxClusterSummary {
  name: string;
  realm: string;
  managerUrl: string;
  casUrl: string;
  fingerprint: string;
  kdcs: string[];
}

export interface SandboxHandle {
  stateDir: string;
  configPath: string;
  clusters: SandboxClusterSummary[];
  /** The live state (the document state.json holds). */
  snapshot(): unknown;
  stop(): Promise<void>;
}

/** Errors from `start` carry `code`: SANDBOX_NAMES / SANDBOX_FAULTS (bad input), SANDBOX_ADDRESS_IN_USE, SANDBOX_LISTEN. */
export interface SandboxStarter {
  start(options: SandboxStartOptions): Promise<SandboxHandle>;
}
