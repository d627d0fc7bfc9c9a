import { Command, Option } from 'commander';
import type { CliContext } from './context.js';

/**
 * The commander table. Each action imports its command file only when it runs, so `--help`
 * and `--version` load commander and nothing else (bench/startup holds this).
 */
export interface ProgramHooks {
  version: string;
  /** Builds the context from the parsed global options, then runs the command module. */
  run(load: () => Promise<{ run: (ctx: CliContext, ...args: never[]) => Promise<void> }>, command: Command, args: unknown[]): Promise<void>;
}

export function buildProgram(hooks: ProgramHooks): Command {
  const program = new Command('mrs-trust')
    .description('Set up Kerberos mutual trust between MRS clusters, end to end, and prove it works.')
    .version(hooks.version, '-V, --version')
    .addOption(new Option('-c, --config <file>', 'clusters file').env('MRS_TRUST_CONFIG').default('clusters.yaml'))
    .option('--json', 'print one JSON document with the result on stdout', false)
    .option('-v, --verbose', 'more detail on stderr', false)
    .option('-y, --yes', 'confirm writes without asking (needed without a terminal)', false)
    .option('--no-input', 'never prompt; a missing answer is an error naming its flag')
    .option('--trace-http <file>', 'write every Manager and cloud request and reply to FILE (JSON lines, mode 0600), every password, cookie, ticket, token and signature redacted')
    .option('--accept-new', 'trust SSH host keys never seen before and record them in known_hosts (a changed key is still refused)', false)
    .addOption(new Option('--progress <mode>', 'progress on stderr').choices(['auto', 'plain', 'json', 'none']).default('auto'))
    .showHelpAfterError('(run with --help for usage)')
    // Set before any subcommand exists: commander copies it into each one at creation, so a bad
    // subcommand option is a usage error (exit 2) and not commander's own process.exit(1).
    .exitOverride()
    .configureHelp({ showGlobalOptions: true });

  const action =
    (load: () => Promise<{ run: (ctx: CliContext, ...args: never[]) => Promise<void> }>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      await hooks.run(load, command, args.slice(0, -1));
    };

  const config = program.command('config').description('work with clusters.yaml');
  config
    .command('check')
    .description('validate the clusters file, its secret references and files (values never printed)')
    .action(action(() => import('./commands/config-check.js')));

  program
    .command('link')
    .description('set up two-way Kerberos trust between two clusters: discover, check, plan, write, restart, verify')
    .argument('[a]', 'first cluster (name in clusters.yaml); on a terminal, left out = asked by the wizard')
    .argument('[b]', 'second cluster')
    .option('--dry-run', 'show the plan and the writes it would make; write nothing')
    .option('--skip-precheck', 'skip the network pre-check (KDC probe, Manager reachability, clock skew, security groups); never the realm, limit or health rules')
    .option('--restart-timeout <seconds>', 'bound on each KrbServer restart', '900')
    .option('--peer-encoding-confirmed', 'write the first peer onto an empty peer_realms even though nothing read from the Manager has confirmed its encoding (or set clusters.<name>.manager.peerRealmsEncoding: confirmed)')
    .option('--tarball <name=path>', 'client configuration for cluster NAME, downloaded after the trust is saved (repeatable, or A=PATH,B=PATH; as in clients refresh)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--manager-download', 'also fetch client configurations from the Manager\'s download endpoint (an assumed API; docs/assumptions.md)')
    .option('--skip-clients', 'do not refresh client hosts (run `mrs-trust clients refresh A B` later)')
    .option('--one-way', 'MRS 3.6.0+ on both: one-way trust, users of A may use B (the public unidirectional procedure; docs/mrs3.md)')
    .option('--allow-downtime', 'MRS 3.x: confirm the downtime of the console procedure (all clusters stopped; one-way: instances restarted) without a terminal; separate from --yes')
    .option('--sandbox', 'run against simulated clusters started for this one run (see docs/sandbox.md)')
    .action(action(() => import('./commands/link.js')));

  program
    .command('unlink')
    .description('remove the trust between two clusters (only their rows; every other peer stays)')
    .argument('<a>', 'first cluster')
    .argument('<b>', 'second cluster')
    .option('--dry-run', 'show the plan; write nothing')
    .option('--restart-timeout <seconds>', 'bound on each KrbServer restart', '900')
    .option('--tarball <name=path>', 'client configuration for cluster NAME, downloaded after the trust is saved (repeatable, or A=PATH,B=PATH; as in clients refresh)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--manager-download', 'also fetch client configurations from the Manager\'s download endpoint (an assumed API; docs/assumptions.md)')
    .option('--skip-clients', 'do not refresh client hosts (run `mrs-trust clients refresh A B` later)')
    .option('--sandbox', 'run against simulated clusters started for this one run')
    .action(action(() => import('./commands/unlink.js')));

  program
    .command('rollback')
    .description('undo what the last journaled link/unlink of the pair changed (its peer rows, read-check-write: rows changed by others since are kept) and the security-group rules precheck --fix added; restarts and verifies')
    .argument('<a>', 'first cluster')
    .argument('<b>', 'second cluster')
    .option('--dry-run', 'show what would be undone; write nothing')
    .option('--restart-timeout <seconds>', 'bound on each KrbServer restart', '900')
    .action(action(() => import('./commands/rollback.js')));

  program
    .command('plan')
    .description('compute the link (or --unlink) plan as a dry run and print it; --out FILE saves it for `apply`')
    .argument('<a>', 'first cluster')
    .argument('<b>', 'second cluster')
    .option('--out <file>', 'write the plan file (JSON, schemas/plan.schema.json) for `mrs-trust apply FILE`')
    .option('--unlink', 'plan an unlink instead of a link')
    .option('--skip-precheck', 'skip the network pre-check (security groups); never the realm, limit or health rules')
    .action(action(() => import('./commands/plan.js')));

  program
    .command('apply')
    .description('carry out exactly a saved plan; refuses (exit 3) when either cluster changed since it was made')
    .argument('<file>', 'plan file written by `mrs-trust plan A B --out FILE`')
    .option('--restart-timeout <seconds>', 'bound on each KrbServer restart', '900')
    .option('--allow-downtime', 'MRS 3.x plan: confirm the downtime of the console procedure without a terminal (docs/mrs3.md)')
    .action(action(() => import('./commands/apply.js')));

  program
    .command('resume')
    .description("continue the pair's interrupted link/unlink/rollback from its first unfinished step, after re-reading both sides")
    .argument('<a>', 'first cluster')
    .argument('<b>', 'second cluster')
    .option('--restart-timeout <seconds>', 'bound on each KrbServer restart', '900')
    .option('--allow-downtime', 'MRS 3.x: confirm the downtime without a terminal when the interrupted run had not confirmed it yet (docs/mrs3.md)')
    .action(action(() => import('./commands/resume.js')));

  program
    .command('precheck')
    .description('can these two clusters trust each other? realms, health, versions and default passwords, Manager and KDC reachability (Kerberos probe over UDP and TCP), clock skew, security groups; --fix adds the missing security-group rules')
    .argument('<a>', 'first cluster (name in clusters.yaml)')
    .argument('<b>', 'second cluster')
    .option('--only <checks>', 'only these check areas, comma-separated: rules, managers, kdcs, clock, security-groups (default: all)')
    .option('--format <format>', 'report format: table (default), md, json (default with --json) or html (one self-contained file)')
    .option('--out <file>', 'write the report to FILE instead of stdout')
    .option('--strict', 'warn and unknown fail too (exit 3)')
    .option('--probe-timeout <seconds>', 'time limit of each TCP connect and KDC probe', '3')
    .option('--fix', 'add the missing security-group rules (asks first; --yes without a terminal); journaled for rollback')
    .option('--rules-file <file>', 'offline: read clusters and rules from an exported JSON file (docs/security-groups.md)')
    .option('--sandbox', 'run against simulated clusters started for this one command (see docs/sandbox.md)')
    .action(action(() => import('./commands/precheck.js')));

  program
    .command('status')
    .description("show clusters as their Managers report them: version, realm, KDCs, peer_realms (and whether each names the other), service health")
    .argument('<clusters...>', 'cluster names in clusters.yaml (usually two)')
    .option('--sandbox', 'run against simulated clusters started for this one command (see docs/sandbox.md)')
    .action(action(() => import('./commands/status.js')));

  program
    .command('verify')
    .description('prove an existing trust without changing anything: both sides list each other, a real cross-realm ticket both ways; exit 3 naming the cause when not')
    .argument('<a>', 'first cluster (name in clusters.yaml)')
    .argument('<b>', 'second cluster')
    .option('--sandbox', 'run against simulated clusters started for this one command (see docs/sandbox.md)')
    .action(action(() => import('./commands/verify.js')));

  program
    .command('rotate')
    .description('change the password of the four cross-realm principals in both KDCs in lockstep (old keys kept), then prove the trust; restores on failure')
    .argument('<a>', 'first cluster (name in clusters.yaml; both need kerberos.admin)')
    .argument('<b>', 'second cluster')
    .option('--password-file <file>', 'take the new password from FILE (mode 0600) instead of generating one')
    .option('--old-password-file <file>', "the password the principals have now (mode 0600), when it is not MRS's default")
    .option('--save-password <file>', 'write the new password to FILE (mode 0600) before the first change')
    .option('--sandbox', 'run against simulated clusters started for this one command (see docs/sandbox.md)')
    .action(action(() => import('./commands/rotate.js')));

  program
    .command('mesh')
    .description('many clusters at once from a topology file (full, hub or pairs): each cluster written once and restarted once (docs/mesh.md)')
    .argument('<action>', 'plan | apply | status | resume | rollback')
    .argument('<topology>', 'topology file (YAML: version, clusters, trusts)')
    .option('--prune', 'also remove peer rows the topology does not account for (default: every other peer is kept)')
    .option('--parallel <n>', 'clusters read, written and restarted at once', '8')
    .option('--restart-timeout <seconds>', 'bound on each KrbServer restart', '900')
    .option('--dry-run', 'apply/resume/rollback: show the plan; write nothing')
    .option('--sandbox', 'run against simulated clusters (named by the topology) started for this one run')
    .action(action(() => import('./commands/mesh.js')));

  const sandbox = program.command('sandbox').description('simulated MRS clusters on loopback for trying and testing mrs-trust (docs/sandbox.md)');
  sandbox
    .command('up')
    .description('start simulated clusters in the background and write STATE_DIR/clusters.yaml')
    .option('--clusters <names>', 'comma-separated cluster names (default alpha,beta)')
    .option('--count <n>', 'N clusters named alpha, beta, gamma, …')
    .option('--state-dir <dir>', 'state directory', '.mrs-trust/sandbox')
    .option('--seed-peer', 'give every cluster one unrelated peer realm (PARTNER.MRS)')
    .option('--restart-ms <ms>', 'how long a simulated restart takes', '300')
    .option('--faults <file>', 'fault injection file (YAML or JSON; docs/sandbox.md)')
    .option('--manager <profile>', 'Manager fidelity: assumed (default: documented calls + the guesses mrs-trust makes), documented (guessed endpoints answer 404), documented-reads (documented + answers to the guessed reads; guessed writes 404); docs/sandbox.md')
    .option('--mrs-version <version>', 'MRS release of every cluster (e.g. 3.1.0: MRS 3.x clusters with a Basic-auth Manager, omm management nodes and restart-RealmConfig.sh; docs/sandbox.md "MRS 3.x")')
    .option('--subnet <n>', 'cluster i listens on 127.<n>.<i>.x', '0')
    .option('--no-plugins', 'Managers only: no simulated SSH hosts or cloud API')
    .option('--closed-groups', 'start the cloud API with the cross-cluster security-group rules missing (try `precheck --fix`)')
    .option('--foreground', 'run in this process until Ctrl-C instead of in the background')
    .addOption(new Option('--child').hideHelp())
    .action(action(() => import('./commands/sandbox-up.js')));
  sandbox
    .command('down')
    .description('stop the background sandbox of a state directory (by its pid file)')
    .option('--state-dir <dir>', 'state directory', '.mrs-trust/sandbox')
    .action(action(() => import('./commands/sandbox-down.js')));
  sandbox
    .command('restart')
    .description('restart a service of one sandbox cluster by hand, as an operator in the Manager UI would (documented stop + start); mrs-trust is not told')
    .argument('<cluster>', 'sandbox cluster (name in its clusters.yaml)')
    .option('--service <name>', 'the service to restart', 'KrbServer')
    .option('--state-dir <dir>', 'state directory', '.mrs-trust/sandbox')
    .action(action(() => import('./commands/sandbox-restart.js')));
  sandbox
    .command('status')
    .description('show the sandbox clusters: addresses, realms, peers, restarts, sessions')
    .option('--state-dir <dir>', 'state directory', '.mrs-trust/sandbox')
    .action(action(() => import('./commands/sandbox-status.js')));
  sandbox
    .command('console-save')
    .description('MRS 3.x: stand in for the person at the console — save the Peer Mutual Trust Domain (System > Permission > Domain and Mutual Trust); applied only when restart-RealmConfig.sh runs')
    .argument('<cluster>', 'a 3.x cluster of the running sandbox')
    .option('--peer <realm=ip:port,…>', 'add the row, or replace the row of that realm (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--remove <realm>', 'delete the row of that realm (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--state-dir <dir>', 'state directory', '.mrs-trust/sandbox')
    .action(action(() => import('./commands/sandbox-console.js').then((m) => ({ run: m.save }))));
  for (const [name, what] of [['console-stop', 'Stop'], ['console-start', 'Start']] as const) {
    sandbox
      .command(name)
      .description(`MRS 3.x: stand in for the person at the console — ${what} all clusters on the Manager home page`)
      .argument('<cluster>', 'a 3.x cluster of the running sandbox')
      .option('--state-dir <dir>', 'state directory', '.mrs-trust/sandbox')
      .action(action(() => import('./commands/sandbox-console.js').then((m) => ({ run: name === 'console-stop' ? m.stop : m.start }))));
  }

  sandbox
    .command('console-download')
    .description('MRS 3.x: stand in for the person at the console — Download Client > Configuration Files Only > Save to Path on Server (onto master1; needs started clusters)')
    .argument('<cluster>', 'a 3.x cluster of the running sandbox')
    .option('--state-dir <dir>', 'state directory', '.mrs-trust/sandbox')
    .action(action(() => import('./commands/sandbox-console.js').then((m) => ({ run: m.download }))));

  const clients = program.command('clients').description('client hosts of the clusters');
  clients
    .command('refresh')
    .description('push the client configuration to the client hosts (scenario 1: own config; 2: also the peer\'s) and run refreshConfig.sh')
    .argument('<a>', 'cluster (name in clusters.yaml)')
    .argument('[b]', 'second cluster: its hosts too, and scenario routing between the two')
    .option('--tarball <name=path>', 'use this "Only configuration files" tarball for cluster NAME (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--hosts <list>', 'only these client hosts (comma-separated, as in clusters.yaml)')
    .option('--parallel <n>', 'hosts refreshed at once', '8')
    .option('--scenario <n>', '1 (same type) or 2 (different types or hybrid); default from the cluster types')
    .option('--host-timeout <seconds>', 'limit for the whole procedure on one host', '600')
    .option('--force', 'refresh hosts even when they already have this configuration')
    .option('--manager-download', 'also try the Manager\'s download endpoint (an assumed API; docs/assumptions.md)')
    .option('--sandbox', 'run against simulated clusters started for this one command (see docs/sandbox.md)')
    .action(action(() => import('./commands/clients-refresh.js')));
  clients
    .command('export')
    .description('write an Ansible inventory + playbook that does the same per-host refresh (for fleets beyond one machine: forks, retries, AWX)')
    .argument('<a>', 'cluster (name in clusters.yaml)')
    .argument('[b]', 'second cluster: its hosts too, and scenario routing between the two')
    .requiredOption('--format <format>', 'ansible')
    .requiredOption('--out <dir>', 'directory for inventory.yml, refresh-clients.yml and the configuration tarballs')
    .option('--tarball <name=path>', 'use this "Only configuration files" tarball for cluster NAME (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--hosts <list>', 'only these client hosts (comma-separated, as in clusters.yaml)')
    .option('--scenario <n>', '1 (same type) or 2 (different types or hybrid); default from the cluster types')
    .option('--host-timeout <seconds>', 'refreshConfig.sh is killed on the host after this long', '600')
    .option('--force', 'the playbook refreshes hosts even when they already have this configuration')
    .option('--manager-download', 'also try the Manager\'s download endpoint (an assumed API; docs/assumptions.md)')
    .option('--sandbox', 'run against simulated clusters started for this one command (see docs/sandbox.md)')
    .action(action(() => import('./commands/clients-export.js')));

  // The `ssh` group: its subcommands take the shared connection options (`sshConnectionOptions`).
  const ssh = program.command('ssh').description('SSH mutual trust among a set of hosts (docs/ssh-trust.md)');
  sshConnectionOptions(ssh.command('doctor').description('say exactly why each pair of hosts cannot log in without a password, and the fix; --fix applies the safe ones and checks again'))
    .option('--fix', 'apply the safe fixes (modes, owners, keys this tool added, host keys pinned by --host-keys), then check again')
    .option('--inspect-as <user>', "a second login (usually root) that reads what the trust user cannot: account lock and expiry, sshd -T; needed for owner fixes")
    .option('--connect-timeout <seconds>', 'ssh ConnectTimeout of the probes between hosts', '5')
    .action(action(() => import('./commands/ssh-doctor.js')));
  sshConnectionOptions(
    ssh
      .command('trust')
      .description('every host of the host file logs into every other with its own key: keys, authorized_keys, known_hosts, modes; then an N×N BatchMode check'),
  )
    .option('--set-hostnames', "add each host's name to every host's /etc/hosts (root only)")
    .option('--log <file>', 'append a log of every action to FILE (no secrets)')
    .option('--dry-run', 'connect and list what would change; write nothing')
    .action(action(() => import('./commands/ssh-trust.js')));
  sshConnectionOptions(ssh.command('revoke').description('remove exactly the authorized_keys and known_hosts lines `ssh trust` added among these hosts'))
    .option('--remove-keys', 'also remove the key pairs `ssh trust` generated (never any other key)')
    .option('--log <file>', 'append a log of every action to FILE (no secrets)')
    .option('--dry-run', 'connect and list what would change; write nothing')
    .action(action(() => import('./commands/ssh-revoke.js')));

  program
    .command('wizard')
    .description('guided link on a terminal: pick or add clusters (TLS pin, password reference), check, plan, confirm, link; offers to save clusters.yaml')
    .argument('[a]', 'first cluster (asked when omitted; a new name is entered as a new cluster)')
    .argument('[b]', 'second cluster')
    .option('--sandbox', 'run against simulated clusters started in this process (docs/sandbox.md)')
    .option('--dry-run', 'show the plan; write nothing to the clusters')
    .option('--skip-precheck', 'skip the network pre-check (KDC probe, Manager reachability, clock skew, security groups); never the realm, limit or health rules')
    .action(action(() => import('./commands/wizard.js')));

  return program;
}

/**
 * The connection options every `ssh` subcommand shares (trust, revoke, doctor); parsed by
 * `cli/ssh-options.ts`. The password is never a flag value: a file, a hidden prompt or stdin.
 */
export function sshConnectionOptions(command: Command): Command {
  return command
    .requiredOption('-f, --file <hostfile>', 'host file: one host per line (ip, ip:port, user@ip:port, [ipv6]:port or a name; # comments)')
    .option('--user <name>', 'login user where a line names none (default: your local user name)')
    .option('--port <n>', 'SSH port where a line names none', '22')
    .option('--password-file <file>', "the user's password for the first login (else asked hidden on a terminal, or read from stdin when not a terminal)")
    .option('--host-keys <file>', 'known_hosts file that pins every host key (never written)')
    .option('--parallel <n>', 'hosts handled at once', '16')
    .option('--no-deduplicate', 'a host listed twice is an error instead of being dropped');
}
