import { fieldChecks } from '../config/fields.js';
import { UsageError } from '../errors/index.js';
import { askNewCluster, type NewCluster, type TypedSecret } from './new-cluster.js';
import { ask, type Answers, type Question } from './questions.js';
import type { WizardDeps } from './deps.js';

export type { WizardDeps } from './deps.js';
export type { NewCluster, TypedSecret } from './new-cluster.js';

/** A cluster already in clusters.yaml, as the pick list shows it. */
export interface KnownCluster {
  name: string;
  type: string;
  url: string;
}

/** What flags and the config file already settled; anything undefined is asked. */
export interface WizardStart {
  /** Absolute path of clusters.yaml (it may not exist yet). */
  configPath: string;
  configExists: boolean;
  known: KnownCluster[];
  a?: string;
  b?: string;
  dryRun?: boolean;
  skipPrecheck?: boolean;
  /** `--yes`; the wizard never confirms writes on its own. */
  confirmed: boolean;
}

/** The same input `link` takes from its flags (structurally `LinkInput` of cli/commands/link.ts). */
export interface WizardLinkInput {
  configPath: string;
  a: string;
  b: string;
  confirmed: boolean;
  dryRun: boolean;
  skipPrecheck: boolean;
}

export interface WizardOutcome {
  input: WizardLinkInput;
  /** Clusters entered in this run, in order. */
  added: NewCluster[];
  /** The user agreed to write the added clusters into `configPath`. */
  saveConfig: boolean;
  /** Passwords typed in this run: for this run's env, and files to write when agreed. */
  secrets: TypedSecret[];
}

const NEW = '\u0000new';

function pickQuestion(id: 'a' | 'b', known: KnownCluster[]): Question {
  return {
    id,
    kind: 'select',
    message: id === 'a' ? 'First cluster' : 'Second cluster (the one to trust each other with the first)',
    choices: (answers: Answers) => [
      ...known.filter((k) => k.name !== answers.a).map((k) => ({ value: k.name, name: k.name, description: `${k.type}, ${k.url}` })),
      { value: NEW, name: 'add a new cluster…', description: 'Manager URL, user, password reference, TLS pin, type, client hosts' },
    ],
  };
}

async function cluster(id: 'a' | 'b', start: WizardStart, deps: WizardDeps, picked: Answers, added: NewCluster[]): Promise<string> {
  const given = start[id];
  const knownNames = start.known.map((k) => k.name);
  if (given !== undefined && knownNames.includes(given)) return given;
  if (given !== undefined) {
    // A name from the command line that clusters.yaml does not have yet: enter it now.
    const ok = fieldChecks.clusterName(given);
    if (ok !== true) throw new UsageError('BAD_ARGUMENT', `cluster name "${given}": ${ok}`);
    const entered = await askNewCluster(deps, { name: given });
    added.push(entered);
    return entered.name;
  }
  const selectable = start.known.filter((k) => k.name !== picked.a);
  const choice = selectable.length === 0 ? NEW : ((await ask([pickQuestion(id, start.known)], deps.prompter, picked))[id] as string);
  if (choice !== NEW) return choice;
  const entered = await askNewCluster(deps);
  added.push(entered);
  return entered.name;
}

function finalQuestions(start: WizardStart, added: NewCluster[]): Question[] {
  const names = added.map((c) => c.name).join(' and ');
  return [
    {
      id: 'save',
      kind: 'confirm',
      when: () => added.length > 0,
      message: start.configExists
        ? `Add ${names} to ${start.configPath}? (everything else in the file is kept; no password is written)`
        : `Create ${start.configPath} with ${names}? (no password is written into it)`,
      default: true,
    },
    {
      id: 'dry-run',
      kind: 'select',
      message: 'What now?',
      choices: [
        { value: false, name: 'link: check both clusters, show the plan, then ask you to confirm before any write' },
        { value: true, name: 'dry run: check both clusters and show the plan; write nothing' },
      ],
    },
  ];
}

/**
 * The guided wizard: asks, through `deps.prompter`, only what `start` leaves open, and returns the
 * input `link` takes. It writes nothing and contacts nothing but the Manager URLs it is given (to
 * show their certificates); the caller writes files after every question is answered, so Ctrl-C
 * at any question leaves everything as it was.
 */
export async function runWizard(start: WizardStart, deps: WizardDeps): Promise<WizardOutcome> {
  const added: NewCluster[] = [];
  const picked: Answers = {};
  const taken = () => [...start.known.map((k) => k.name), ...added.map((c) => c.name)];
  const scoped: WizardDeps = { ...deps, existingClusters: taken };
  picked.a = await cluster('a', start, scoped, picked, added);
  if (start.b !== undefined && start.b === picked.a) throw new UsageError('SAME_CLUSTER', `cannot link ${start.b} with itself`, { hint: 'name two different clusters' });
  picked.b = await cluster('b', start, scoped, picked, added);
  const final: Answers = start.dryRun === undefined ? {} : { 'dry-run': start.dryRun };
  await ask(finalQuestions(start, added), deps.prompter, final);
  return {
    input: {
      configPath: start.configPath,
      a: picked.a as string,
      b: picked.b as string,
      confirmed: start.confirmed,
      dryRun: final['dry-run'] === true,
      skipPrecheck: Boolean(start.skipPrecheck),
    },
    added,
    saveConfig: final.save === true,
    secrets: added.flatMap((c) => c.secrets),
  };
}
