import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// Bad input stops before any connection: these hosts do not exist, so any attempt would show.
describe.concurrent('ssh trust / revoke: bad input is exit 2, before any connection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-trust-cli-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const two = file('two', '10.255.255.1\n10.255.255.2\n');

  it.each([
    [['ssh', 'trust', '-f', file('bad', '10.0.0.1\n10.0.0.300\nroot;id@10.0.0.2\n')], /bad:2: "10\.0\.0\.300" is not a valid IPv4 address\n.*bad:3: user "root;id"/],
    [['ssh', 'trust', '-f', file('one', '# only one\n10.0.0.1\n')], /needs at least 2 hosts \(found 1\)/],
    [['ssh', 'trust', '-f', file('empty', '\n# nothing\n')], /empty: no hosts/],
    [['ssh', 'trust', '-f', join(dir, 'missing')], /--file .*missing: cannot read \(not found\)/],
    [['ssh', 'trust', '-f', two, '--port', '70000'], /--port: "70000"/],
    [['ssh', 'trust', '-f', two, '--user', 'a b'], /--user "a b" is not a valid user name/],
    [['ssh', 'trust', '-f', two, '--parallel', '0'], /--parallel: "0"/],
    [['ssh', 'trust', '-f', two, '--host-keys', two, '--accept-new'], /--host-keys and --accept-new exclude each other/],
    [['ssh', 'revoke', '-f', two, '--password-file', file('pw', '\n')], /--password-file .*pw is empty/],
    [['ssh', 'trust', '-f', two, '--user', 'omm', '--set-hostnames', '--no-input'], /--set-hostnames writes \/etc\/hosts/],
    [['ssh', 'trust'], /required option '-f, --file <hostfile>'/],
  ])('%j', async (args, message) => {
    const r = await runCli(args as string[], { env: { HOME: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
