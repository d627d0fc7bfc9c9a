import { stripVTControlCharacters } from 'node:util';
import { render } from '@inquirer/testing';
import type { PromptRunner } from '../../src/adapters/prompter/index.js';

/**
 * Drives the real inquirer prompts (through `@inquirer/testing`'s `render`) the way a person
 * would: read the screen, press keys. Each step answers the next prompt the flow draws.
 */
export type Key = string | { name: string; ctrl?: boolean };
export type Step =
  /** A new prompt whose screen matches `expect`: type text (if any), then press `keys` (default: enter). */
  | { expect: RegExp; type?: string; keys?: Key[] }
  /** A select prompt: move down until the highlighted choice matches `choose`, then enter. */
  | { expect: RegExp; choose: RegExp }
  /** The same prompt again, showing `rejected` (the reason): clear the line, type `type`, enter. */
  | { rejected: RegExp; type: string }
  /** Ctrl-C at the prompt matching `expect`. */
  | { expect: RegExp; interrupt: true };

type Rendered = Awaited<ReturnType<typeof render>>;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

// NOTE: readline re-writes the last line of a multi-line prompt on its own, so `getScreen()` (the
// last write) can be one line only. Everything the prompt wrote, without escape codes, is reliable.
const text = (r: Rendered) => stripVTControlCharacters(r.getFullOutput());

export interface Driver {
  runner: PromptRunner;
  /** Every screen the steps saw, in order (for failure messages and assertions). */
  screens: string[];
  /** Everything every prompt wrote, escape codes included. */
  fullOutput(): string;
  play<T>(flow: Promise<T>, steps: Step[]): Promise<T>;
}

export function screenDriver(): Driver {
  const queue: Rendered[] = [];
  const screens: string[] = [];
  const all: Rendered[] = [];
  const runner: PromptRunner = async (prompt, config) => {
    const rendered = await render(prompt as never, config as never);
    queue.push(rendered);
    all.push(rendered);
    return (await rendered.answer) as never;
  };

  async function nextPrompt(flowDone: () => boolean): Promise<Rendered | undefined> {
    while (queue.length === 0) {
      if (flowDone()) return undefined;
      await tick();
    }
    return queue.shift();
  }

  /** Waits until what the prompt wrote after `from` shows `pattern`; fails on another reason. */
  async function waitFor(rendered: Rendered, pattern: RegExp, from: number): Promise<string> {
    let settled = false;
    void rendered.answer.then(() => (settled = true), () => (settled = true));
    for (;;) {
      const fresh = text(rendered).slice(from);
      if (pattern.test(fresh)) return fresh;
      // inquirer draws a failed validation as a line starting with "> ".
      const reason = fresh.split('\n').find((line) => line.startsWith('> '));
      if (reason) throw new Error(`expected the reason ${pattern}, the prompt shows: ${reason}`);
      if (settled) throw new Error(`expected the prompt to show ${pattern} and ask again, but it was answered; screen:\n${rendered.getScreen()}`);
      await tick();
    }
  }

  async function choose(rendered: Rendered, pattern: RegExp): Promise<void> {
    for (let moves = 0; moves < 50; moves++) {
      const current = text(rendered).split('\n').filter((line) => line.startsWith('❯')).at(-1);
      if (current && pattern.test(current)) {
        rendered.events.keypress('enter');
        return;
      }
      rendered.events.keypress('down');
      await tick();
    }
    throw new Error(`no choice matches ${pattern}; screen:\n${text(rendered)}`);
  }

  async function play<T>(flow: Promise<T>, steps: Step[]): Promise<T> {
    let done = false;
    const watched = flow.finally(() => (done = true));
    watched.catch(() => undefined);
    let current: Rendered | undefined;
    let typedAt = 0;
    for (const [index, step] of steps.entries()) {
      if ('rejected' in step) {
        if (!current) throw new Error(`step ${index}: no prompt to answer again`);
        screens.push(await waitFor(current, step.rejected, typedAt));
        typedAt = text(current).length;
        current.events.keypress({ name: 'u', ctrl: true });
        current.events.type(step.type);
        current.events.keypress('enter');
        continue;
      }
      current = await nextPrompt(() => done);
      if (!current) {
        await watched;
        throw new Error(`step ${index}: the flow ended before a prompt matching ${step.expect}; screens:\n${screens.join('\n---\n')}`);
      }
      // A long prompt may reach the screen in more than one write: give it a few turns.
      let screen = text(current);
      for (let turn = 0; turn < 100 && !step.expect.test(screen); turn++) {
        await tick();
        screen = text(current);
      }
      screens.push(screen);
      if (!step.expect.test(screen)) throw new Error(`step ${index}: expected a prompt matching ${step.expect}, got:\n${screen}`);
      typedAt = screen.length;
      if ('interrupt' in step) current.events.keypress({ name: 'c', ctrl: true });
      else if ('choose' in step) await choose(current, step.choose);
      else {
        if (step.type) current.events.type(step.type);
        for (const key of step.keys ?? ['enter']) current.events.keypress(key);
      }
    }
    // Nothing may be asked beyond the script.
    while (!done) {
      const extra = queue.shift();
      if (extra) throw new Error(`unexpected prompt after the last step:\n${extra.getScreen()}`);
      await tick();
    }
    return watched;
  }

  return { runner, screens, play, fullOutput: () => all.map((r) => r.getFullOutput()).join('') };
}
