import type { Step } from '../engine.js';
import { checkHostKeys } from './steps/host-keys.js';
import { inspect } from './steps/inspect.js';
import { ensureKeys } from './steps/keys.js';
import { writeAuthorizedKeys, writeKnownHosts } from './steps/files.js';
import { setHostnames } from './steps/hostnames.js';
import { logIn } from './steps/login.js';
import { fixModes } from './steps/modes.js';
import { removeAuthorizedKeys, removeKeys, removeKnownHosts } from './steps/revoke.js';
import { verifyLogins } from './steps/verify.js';
import type { SshTrustContext } from './types.js';

/** Both commands start the same way: nothing is sent to a host before its key is verified. */
const reach: readonly Step<SshTrustContext>[] = [
  { id: 'check-host-keys', title: 'Verify every host key (pinned, known, or confirmed)', run: (ctx) => checkHostKeys(ctx) },
  { id: 'log-in', title: 'Log in to every host (password or your key)', run: (ctx) => logIn(ctx) },
  { id: 'inspect', title: 'Read ~/.ssh on every host', run: (ctx) => inspect(ctx) },
];

/**
 * `mrs-trust ssh trust`, in order. Each step works on every host still in the run, `--parallel`
 * at a time; a host that fails is named with its cause and left out of the later steps.
 */
export const trustSteps: readonly Step<SshTrustContext>[] = [
  ...reach,
  {
    id: 'set-hostnames',
    title: "Map every host's name in every /etc/hosts",
    skip: (ctx) => (ctx.request.setHostnames ? undefined : 'not asked for (--set-hostnames)'),
    run: (ctx) => setHostnames(ctx),
  },
  { id: 'ensure-keys', title: "Give every host its own ed25519 key (never replace one)", run: (ctx) => ensureKeys(ctx, ctx.writer) },
  { id: 'write-authorized-keys', title: "Add every host's key to every other host's authorized_keys", run: (ctx) => writeAuthorizedKeys(ctx, ctx.writer) },
  { id: 'write-known-hosts', title: "Add every host's host key to every other host's known_hosts", run: (ctx) => writeKnownHosts(ctx, ctx.writer) },
  { id: 'fix-modes', title: 'Modes that StrictModes requires', run: (ctx) => fixModes(ctx, ctx.writer) },
  {
    id: 'verify-logins',
    title: 'Every host logs in to every other (BatchMode, strict host keys)',
    skip: (ctx) => (ctx.request.dryRun ? 'dry run: nothing was written, so there is nothing to check' : undefined),
    run: (ctx) => verifyLogins(ctx),
  },
];

/** `mrs-trust ssh revoke`: removes exactly what `ssh trust` added among these hosts. */
export const revokeSteps: readonly Step<SshTrustContext>[] = [
  ...reach,
  { id: 'remove-authorized-keys', title: 'Remove the authorized_keys lines mrs-trust added for these hosts', run: (ctx) => removeAuthorizedKeys(ctx, ctx.writer) },
  { id: 'remove-known-hosts', title: 'Remove the known_hosts lines mrs-trust added for these hosts', run: (ctx) => removeKnownHosts(ctx, ctx.writer) },
  {
    id: 'remove-keys',
    title: 'Remove the key pairs mrs-trust generated',
    skip: (ctx) => (ctx.request.removeKeys ? undefined : 'keys are kept (--remove-keys removes the pairs mrs-trust generated)'),
    run: (ctx) => removeKeys(ctx, ctx.writer),
  },
];
