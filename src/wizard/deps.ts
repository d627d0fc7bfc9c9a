import type { Prompter } from '../ports/prompter.js';
import type { TlsProbe } from '../ports/tls-probe.js';

/** What the wizard needs from the outside; the CLI passes real adapters, tests pass fakes. */
export interface WizardDeps {
  prompter: Prompter;
  probe: TlsProbe;
  /** To tell whether a password variable is already set (its value is never read here). */
  env: NodeJS.ProcessEnv;
  /** Whether a file exists and is readable (CA file, key, password file). */
  readable(path: string): Promise<boolean>;
  /** Whether anything exists at that path (readable or not). */
  exists(path: string): Promise<boolean>;
  /** A path from an answer, made absolute against the config file's directory (`~/` expanded). */
  resolvePath(path: string): string;
  /** Names already taken: in the config file and added earlier in this run. */
  existingClusters(): string[];
}
