import { describe, expect, it } from 'vitest';
import { createPrompter } from '../../src/adapters/prompter/index.js';
import { InterruptedError } from '../../src/errors/index.js';
import { fieldChecks } from '../../src/config/fields.js';
import { screenDriver } from '../support/inquirer-driver.js';

describe('inquirer Prompter adapter (@inquirer/testing)', () => {
  it('re-asks an input with the validator reason until it is valid', async () => {
    const driver = screenDriver();
    const prompter = createPrompter({ runner: driver.runner });
    const validate = (v: string) => fieldChecks.managerUrl(v);
    const answer = await driver.play(prompter.input({ message: 'Manager URL', validate }), [
      { expect: /Manager URL/, type: 'http://192.0.2.10:28443' },
      { rejected: /must use https \(got http\)/, type: 'not a url' },
      { rejected: /"not a url" is not a URL/, type: 'https://192.0.2.10:28443' },
    ]);
    expect(answer).toBe('https://192.0.2.10:28443');
  });

  it('waits for an async validator and shows its reason', async () => {
    const driver = screenDriver();
    const prompter = createPrompter({ runner: driver.runner });
    const validate = async (v: string) => (v === 'ok' ? true : `cannot reach ${v}`);
    const answer = await driver.play(prompter.input({ message: 'Host', validate }), [
      { expect: /Host/, type: 'nope' },
      { rejected: /cannot reach nope/, type: 'ok' },
    ]);
    expect(answer).toBe('ok');
  });

  it('never echoes a password', async () => {
    const driver = screenDriver();
    const prompter = createPrompter({ runner: driver.runner });
    const answer = await driver.play(prompter.password({ message: 'Password' }), [{ expect: /Password/, type: 's3cret-value' }]);
    expect(answer).toBe('s3cret-value');
    expect(driver.fullOutput()).toContain('Password');
    expect(driver.fullOutput()).not.toContain('s3cret');
  });

  it('selects, confirms and ticks checkboxes', async () => {
    const driver = screenDriver();
    const prompter = createPrompter({ runner: driver.runner });
    const flow = (async () => {
      const which = await prompter.select({ message: 'Cluster A', choices: [{ value: 'alpha', name: 'alpha' }, { value: 'beta', name: 'beta', description: 'streaming' }] });
      const sure = await prompter.confirm({ message: 'Pin it?', default: true });
      const hosts = await prompter.checkbox({ message: 'Clients', choices: [{ value: 1, name: 'one' }, { value: 2, name: 'two', checked: true }] });
      return { which, sure, hosts };
    })();
    const result = await driver.play(flow, [
      { expect: /Cluster A/, choose: /beta/ },
      { expect: /Pin it\? \(Y\/n\)/, type: 'n' },
      { expect: /Clients/, keys: ['space', 'enter'] },
    ]);
    expect(result).toEqual({ which: 'beta', sure: false, hosts: [1, 2] });
  });

  it('maps Ctrl-C to InterruptedError (exit 130)', async () => {
    const driver = screenDriver();
    const prompter = createPrompter({ runner: driver.runner });
    const flow = driver.play(prompter.input({ message: 'Manager user' }), [{ expect: /Manager user/, interrupt: true }]);
    const error = await flow.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error).toMatchObject({ exitCode: 130, code: 'INTERRUPTED', message: 'interrupted at "Manager user"' });
  });

  it('maps an aborted signal to InterruptedError', async () => {
    const abort = new AbortController();
    abort.abort();
    const prompter = createPrompter({ context: { signal: abort.signal } });
    await expect(prompter.confirm({ message: 'Go?' })).rejects.toBeInstanceOf(InterruptedError);
  });

  it('passes other errors through unchanged', async () => {
    const boom = new TypeError('boom');
    const prompter = createPrompter({ runner: () => Promise.reject(boom) });
    await expect(prompter.input({ message: 'x' })).rejects.toBe(boom);
  });
});

describe('multi-line questions', () => {
  it('show the whole explanation while asking and only the question once answered', async () => {
    const driver = screenDriver();
    const prompter = createPrompter({ runner: driver.runner });
    const answer = await driver.play(prompter.select({ message: 'The Manager presents this certificate:\n  SHA-256 sha256:AA\nHow should mrs-trust trust it?', choices: [{ value: 'pin', name: 'pin it' }] }), [
      { expect: /presents this certificate:\n {2}SHA-256 sha256:AA\nHow should mrs-trust trust it\?/, choose: /pin it/ },
    ]);
    expect(answer).toBe('pin');
    const last = driver.fullOutput().split('\u001b[G').at(-1) ?? '';
    expect(last).toMatch(/✔.*How should mrs-trust trust it\?.*pin it/);
    expect(last).not.toContain('SHA-256');
  });
});
