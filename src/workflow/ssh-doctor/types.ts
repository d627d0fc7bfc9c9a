import type { CauseId } from '../../domain/ssh-doctor/causes.js';
import type { PairDiagnosis } from '../../domain/ssh-doctor/diagnose.js';
import type { HostFacts, PairProbe } from '../../domain/ssh-doctor/facts.js';
import type { SshHostEntry } from '../../domain/ssh-hosts.js';
import type { EventSink } from '../../ports/events.js';
import type { RemoteHost } from '../../ports/remote-host.js';
import type { PinnedHostKey, SshDoctorIo } from '../../ports/ssh-doctor.js';

export interface DoctorRequest {
  hosts: SshHostEntry[];
  /** `--inspect-as USER` (usually root): a second login that reads what the trust user cannot. */
  inspectAs?: string;
  /** `--fix`: apply the safe fixes, then check again. */
  fix: boolean;
  parallel: number;
  /** ssh ConnectTimeout of the probes between hosts. */
  connectTimeoutS: number;
}

export interface DoctorDeps {
  io: SshDoctorIo;
  events: EventSink;
  signal: AbortSignal;
  /** A fresh random token: section headers of the host scripts carry it. */
  nonce: () => string;
}

export interface LoginFailure {
  code: string;
  message: string;
}

/** Everything the run knows about one host of the host file. */
export interface HostView {
  entry: SshHostEntry;
  login?: RemoteHost;
  loginError?: LoginFailure;
  admin?: RemoteHost;
  adminError?: LoginFailure;
  facts?: HostFacts;
  factsError?: string;
  probes?: Map<number, PairProbe>;
  probeError?: string;
  pin?: PinnedHostKey;
}

export interface FixReport {
  host: string;
  cause: CauseId;
  pairs: string[];
  command: string;
  status: 'applied' | 'failed';
  message?: string;
}

export interface DoctorState {
  request: DoctorRequest;
  deps: DoctorDeps;
  hosts: HostView[];
  pairs: PairDiagnosis[];
  /** With --fix: the verdicts before the fixes (`pairs` then holds the re-check). */
  before?: PairDiagnosis[];
  fixes: FixReport[];
}
