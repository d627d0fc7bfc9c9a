import { fieldChecks } from '../config/fields.js';
import { ask, type Answers, type Question } from './questions.js';
import type { WizardDeps } from './deps.js';

/** One client host: a machine with the MRS client whose Kerberos config the link refreshes. */
export interface ClientAnswers {
  host: string;
  port: number;
  user: string;
  key: string;
  hostKey?: string;
}

const toPort = (text: string): unknown => (/^\d+$/.test(text) ? Number(text) : text);

/** `clients` (machines with the MRS client, refreshed after link) or `nodes` (the cluster's own hosts over SSH). */
export type HostKind = 'client' | 'node';

const WORDS: Record<HostKind, { first: string; next: string; host: string }> = {
  client: { first: 'Add a client host to refresh after linking (a machine with the MRS client installed)?', next: 'Add another client host?', host: 'Client host (IP address or host name)' },
  node: {
    first: 'Add a node of this cluster reachable over SSH (nodes: a host to run kadmin on, krb5.conf discovery, client files from a node)?',
    next: 'Add another node?',
    host: 'Node (IP address or host name)',
  },
};

export function clientHostQuestions(deps: WizardDeps, index: number, kind: HostKind = 'client'): Question[] {
  const words = WORDS[kind];
  return [
    { id: 'add', kind: 'confirm', message: index === 0 ? words.first : words.next, default: false },
    { id: 'host', kind: 'input', message: words.host, when: (a) => a.add === true, validate: (v) => fieldChecks.host(v) },
    { id: 'port', kind: 'input', message: 'SSH port', default: '22', parse: toPort, when: (a) => a.add === true, validate: (v) => fieldChecks.port(v) },
    { id: 'user', kind: 'input', message: 'SSH user', default: 'root', when: (a) => a.add === true, validate: (v) => fieldChecks.sshUser(v) },
    {
      id: 'key',
      kind: 'input',
      message: 'SSH private key file',
      default: '~/.ssh/id_ed25519',
      when: (a) => a.add === true,
      validate: async (v) => ((await deps.readable(deps.resolvePath(v as string))) ? true : `cannot read ${deps.resolvePath(v as string)}`),
    },
    {
      id: 'host-key',
      kind: 'input',
      message: 'Host key fingerprint (SHA256:…, from ssh-keygen -lf); empty: check ~/.ssh/known_hosts',
      optional: true,
      when: (a) => a.add === true,
      validate: (v) => fieldChecks.hostKey(v),
    },
  ];
}

/** Asks for client hosts (or nodes) until the user says no more. */
export async function clientQuestions(deps: WizardDeps, kind: HostKind = 'client'): Promise<ClientAnswers[]> {
  const hosts: ClientAnswers[] = [];
  for (;;) {
    const a: Answers = await ask(clientHostQuestions(deps, hosts.length, kind), deps.prompter);
    if (a.add !== true) return hosts;
    const hostKey = a['host-key'] as string | undefined;
    hosts.push({ host: a.host as string, port: a.port as number, user: a.user as string, key: a.key as string, ...(hostKey ? { hostKey } : {}) });
  }
}
