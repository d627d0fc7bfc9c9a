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

export function clientHostQuestions(deps: WizardDeps, index: number): Question[] {
  const first = index === 0;
  return [
    {
      id: 'add',
      kind: 'confirm',
      message: first ? 'Add a client host to refresh after linking (a machine with the MRS client installed)?' : 'Add another client host?',
      default: false,
    },
    { id: 'host', kind: 'input', message: 'Client host (IP address or host name)', when: (a) => a.add === true, validate: (v) => fieldChecks.host(v) },
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

/** Asks for client hosts until the user says no more. */
export async function clientQuestions(deps: WizardDeps): Promise<ClientAnswers[]> {
  const hosts: ClientAnswers[] = [];
  for (;;) {
    const a: Answers = await ask(clientHostQuestions(deps, hosts.length), deps.prompter);
    if (a.add !== true) return hosts;
    const hostKey = a['host-key'] as string | undefined;
    hosts.push({ host: a.host as string, port: a.port as number, user: a.user as string, key: a.key as string, ...(hostKey ? { hostKey } : {}) });
  }
}
