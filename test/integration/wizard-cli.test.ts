import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { validConfig, writeConfigDir } from '../support/config-fixture.js';

describe('mrs-trust wizard without a person at a terminal', () => {
  it('without a TTY: exit 2, names the non-interactive command and its flags, asks nothing', async () => {
    const { path } = writeConfigDir(validConfig());
    const run = await runCli(['wizard', '--config', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: the wizard needs a terminal (stdin and stderr must be a TTY) [NO_TERMINAL]\n' +
        'hint: run `mrs-trust link <A> <B> --config FILE --yes` instead (--dry-run to only see the plan); `mrs-trust config check` validates the file\n',
    );
    expect(run.stdout).toBe('');
  });

  it('with --no-input: exit 2 before anything else (even with --sandbox)', async () => {
    const run = await runCli(['wizard', '--no-input', '--sandbox', '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: the wizard asks questions, but --no-input was given \[NO_INPUT\]\nhint: run `mrs-trust link <A> <B> --config FILE --yes` instead/);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: 'NO_INPUT', exitCode: 2 } });
  });
});
