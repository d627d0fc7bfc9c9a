import { access, constants } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { addClusters, readConfigSource, saveConfigText, writeSecretFile, type ConfigSource } from '../../config/edit.js';
import { resolvePath, type LoadedConfig } from '../../config/load.js';
import { UsageError } from '../../errors/index.js';
import { runWizard, type WizardOutcome } from '../../wizard/index.js';
import { proofGaps } from '../../wizard/proof.js';
import { equivalentCommand } from '../../wizard/command-line.js';
import type { CliContext } from '../context.js';
import { withSandbox } from '../with-sandbox.js';
import { executeLink, type LinkInput } from './link.js';

export interface WizardFlags {
  sandbox?: boolean;
  dryRun?: boolean;
  skipPrecheck?: boolean;
}

const INSTEAD = 'run `mrs-trust link <A> <B> --config FILE --yes` instead (--dry-run to only see the plan); `mrs-trust config check` validates the file';

/** The wizard needs a person at a terminal; anything else gets exit 2 and the flags to use. */
export function requireTerminal(ctx: CliContext, what = 'the wizard'): void {
  if (!ctx.global.input) throw new UsageError('NO_INPUT', `${what} asks questions, but --no-input was given`, { hint: INSTEAD });
  if (!ctx.stdinIsTTY || !ctx.out.isTTY) throw new UsageError('NO_TERMINAL', `${what} needs a terminal (stdin and stderr must be a TTY)`, { hint: INSTEAD });
}

/** What the questions settled, ready to run: the input `link` takes and the context to run it in. */
export interface AskedLink {
  input: LinkInput & { config?: LoadedConfig };
  outcome: WizardOutcome;
  /** The command that does the same without questions (lines to show the user). */
  command: string[];
}

/**
 * Asks what flags and config left open, then (only then) writes what the user agreed to:
 * password files (0600) and clusters.yaml (atomic, never over a file changed meanwhile).
 * Used by `mrs-trust wizard` and by `link` on a terminal when a cluster argument is missing.
 */
/** What the command line already said; anything undefined is asked. */
export interface AskGiven {
  configPath: string;
  a?: string;
  b?: string;
  dryRun?: boolean;
  skipPrecheck?: boolean;
}

export async function askLinkInput(ctx: CliContext, given: AskGiven, sandbox = false): Promise<AskedLink> {
  requireTerminal(ctx);
  const configPath = resolve(ctx.cwd, given.configPath);
  const source = await readConfigSource(configPath);
  const baseDir = dirname(configPath);
  const prompter = await ctx.adapters.prompter();
  const probe = await ctx.adapters.tlsProbe();
  const outcome = await runWizard(
    {
      configPath,
      configExists: source.text !== undefined,
      known: Object.values(source.config?.clusters ?? {}).map((c) => ({ name: c.name, type: c.type, url: c.manager.url })),
      ...pick(given),
      confirmed: ctx.global.yes,
    },
    {
      prompter,
      probe,
      env: ctx.env,
      readable: (path) => access(path, constants.R_OK).then(() => true, () => false),
      exists: (path) => access(path, constants.F_OK).then(() => true, () => false),
      resolvePath: (path) => resolvePath(path, baseDir),
      existingClusters: () => [],
    },
  );
  // Before the typed passwords are put in the environment: the user must export them next time.
  const command = equivalentCommand(outcome, { cwd: ctx.cwd, env: ctx.env, sandbox });
  // Every question is answered: from here on, writes.
  const config = await applyOutcome(ctx, source, outcome);
  const known = config ?? source.config;
  const gaps = proofGaps([outcome.input.a, outcome.input.b], Object.fromEntries(Object.values(known?.clusters ?? {}).map((c) => [c.name, c])));
  for (const gap of gaps) ctx.out.warn(`this configuration cannot prove the trust fully: ${gap}`);
  return { input: { ...outcome.input, ...(config ? { config } : {}) }, outcome, command };
}

function pick(given: AskGiven) {
  return Object.fromEntries(Object.entries({ a: given.a, b: given.b, dryRun: given.dryRun, skipPrecheck: given.skipPrecheck }).filter(([, v]) => v !== undefined));
}

/** Writes what the user agreed to; returns the in-memory config when it was not saved. */
async function applyOutcome(ctx: CliContext, source: ConfigSource, outcome: WizardOutcome): Promise<LoadedConfig | undefined> {
  if (outcome.added.length === 0) return undefined;
  for (const secret of outcome.secrets) {
    if (secret.writeFile) {
      await writeSecretFile(secret.writeFile, secret.value);
      ctx.out.info(`wrote ${secret.writeFile} (mode 0600)`);
    } else if (secret.ref.env !== undefined && !ctx.env[secret.ref.env]) {
      // Like `export NAME=…`, but only in this run's environment copy (main.ts), never process.env.
      ctx.env[secret.ref.env] = secret.value.reveal();
    }
  }
  const edited = addClusters(source, outcome.added.map((c) => ({ name: c.name, entry: c.entry })));
  if (!outcome.saveConfig) {
    ctx.out.warn(`${outcome.added.map((c) => c.name).join(', ')} not saved: they exist for this run only`);
    return edited.config;
  }
  await saveConfigText(source, edited.text);
  ctx.out.info(`${source.text === undefined ? 'created' : 'updated'} ${source.path} (${outcome.added.map((c) => c.name).join(', ')})`);
  return undefined;
}

/** A refusal of `link` that a question can settle: on yes, the input to run `link` with again. */
interface Offer {
  handles(error: unknown, input: LinkInput): boolean;
  ask(ctx: CliContext, input: LinkInput, error: unknown): Promise<LinkInput | undefined>;
}

const codeOf = (error: unknown) => (error as { code?: unknown }).code;

/**
 * The pre-check found security groups that block Kerberos between the clusters: offer to add
 * the missing rules now (`precheck --fix`: it lists them and asks again before adding), then
 * link again. Only for a real run (a dry run writes nothing, cloud rules included).
 */
const offerSecurityGroupFix: Offer = {
  handles: (error, input) => codeOf(error) === 'PRECHECK_FAILED' && !input.dryRun,
  async ask(ctx, input) {
    const prompter = await ctx.adapters.prompter();
    const fix = await prompter.confirm({
      message: `The security groups of ${input.a} and ${input.b} block traffic between them. Add the missing rules now? (you see them before anything is added)`,
      default: true,
    });
    if (!fix) return undefined;
    const precheck = await import('./precheck.js');
    await precheck.run({ ...ctx, global: { ...ctx.global, config: input.configPath } }, input.a, input.b, { fix: true });
    return input;
  },
};

/**
 * No blind first write (PEER_ENCODING_UNCONFIRMED): a cluster's peer_realms is empty, so nothing
 * read from its Manager confirms the encoding. The person at the terminal may confirm it, as
 * `--peer-encoding-confirmed` does; the default answer is no, and "Next time" then carries the flag.
 */
const offerFirstPeerWrite: Offer = {
  handles: (error) => codeOf(error) === 'PEER_ENCODING_UNCONFIRMED',
  async ask(ctx, input, error) {
    const problems = ((error as { details?: { problems?: { cluster?: string }[] } }).details?.problems ?? []).map((p) => p.cluster).filter(Boolean);
    const prompter = await ctx.adapters.prompter();
    const yes = await prompter.confirm({
      message: `peer_realms of ${problems.join(' and ')} is empty, so nothing read from the Manager confirms how it stores peers. Write the first peer as "REALM" + "ip:port,ip:port" (the console format)? Say no to add one peer in the Manager UI first`,
      default: false,
    });
    return yes ? { ...input, peerEncodingConfirmed: true } : undefined;
  },
};

/**
 * Asks, then runs link with the answers, then shows the command for next time (also when the
 * link fails). `link` calls this on a terminal when a cluster argument is missing; `extra`
 * carries its other flags (e.g. `restartTimeoutSeconds`).
 */
export async function linkWithWizard(ctx: CliContext, given: AskGiven, extra: Partial<LinkInput> = {}, sandbox = false): Promise<void> {
  const asked = await askLinkInput(ctx, given, sandbox);
  let input: LinkInput = { ...asked.input, ...extra };
  try {
    // A refusal the person can settle here (a question, then the same link again), at most once each.
    const offers = [offerSecurityGroupFix, offerFirstPeerWrite];
    for (;;) {
      try {
        await executeLink(ctx, input);
        break;
      } catch (error) {
        const offer = offers.find((o) => o.handles(error, input));
        if (!offer) throw error;
        offers.splice(offers.indexOf(offer), 1);
        const next = await offer.ask(ctx, input, error);
        if (!next) throw error;
        input = next;
        if (next.peerEncodingConfirmed) asked.command[asked.command.length - 1] += ' --peer-encoding-confirmed';
      }
    }
  } finally {
    ctx.out.info('');
    ctx.out.info(sandbox && asked.outcome.added.length > 0 ? 'Next time, without questions (clusters you added lived in the temporary sandbox file only):' : 'Next time, without questions:');
    for (const line of asked.command) ctx.out.info(`  ${line}`);
  }
}

export async function run(ctx: CliContext, a: string | undefined, b: string | undefined, flags: WizardFlags): Promise<void> {
  requireTerminal(ctx);
  const clusters = [a, b].filter((n): n is string => n !== undefined);
  const sandbox = Boolean(flags.sandbox);
  await withSandbox(ctx, { enabled: sandbox, clusters: clusters.length === 2 ? clusters : ['alpha', 'beta'] }, (configPath) =>
    linkWithWizard(ctx, { configPath, a, b, dryRun: flags.dryRun ? true : undefined, skipPrecheck: flags.skipPrecheck }, {}, sandbox),
  );
}
