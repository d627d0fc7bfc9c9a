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
  /** `--mrs-version`: every cluster's MRS release; 3.x gives MRS 3.x clusters (docs/sandbox.md "MRS 3.x"). */
  mrsVersion?: string;
}

/** An MRS 3.x console as the sandbox keeps it (console/<cluster>.json). */
export interface SandboxConsoleState {
  peers: { realm_name: string; ip_port: string }[];
  clustersRunning: boolean;
  saves: number;
  updatedAt: string;
}

/**
 * The person at an MRS 3.x console of a running sandbox. Errors carry `code`: SANDBOX_CONSOLE
 * (the console refuses the save: bad realm, bad ip:port, a 17th row; exit 2), SANDBOX_MRS3 (a
 * 2.x cluster), SANDBOX_NOT_RUNNING.
 */
export interface SandboxConsole {
  save(stateDir: string, cluster: string, edit: { set: { realm_name: string; ip_port: string }[]; remove: string[] }): Promise<SandboxConsoleState>;
  /** Stop (false) or start (true) all clusters. */
  clusters(stateDir: string, cluster: string, running: boolean): Promise<SandboxConsoleState>;
  /** Download Client > Configuration Files Only > Save to Path on Server, onto the first management node. */
  download(stateDir: string, cluster: string): Promise<{ node: string; path: string; peers: string[] }>;
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
  console: SandboxConsole;
}
