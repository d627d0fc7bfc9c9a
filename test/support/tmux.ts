import { execFileSync } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

/** A real terminal: a detached tmux session running one command; always `kill()` it. */
export class TmuxSession {
  readonly name = `mrs-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(command: string, size = { width: 120, height: 50 }) {
    execFileSync('tmux', ['new-session', '-d', '-s', this.name, '-x', String(size.width), '-y', String(size.height), `LANG=C.UTF-8 NO_COLOR=1 ${command}; echo "EXIT=$?"; sleep 600`]);
  }

  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-J', '-S', '-200', '-t', this.name], { encoding: 'utf8' });
  }

  send(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  /** Polls the screen until it matches (bounded by a count, not a clock assertion). */
  async waitFor(pattern: RegExp, polls = 600): Promise<string> {
    for (let i = 0; i < polls; i++) {
      const text = this.screen();
      if (pattern.test(text)) return text;
      await delay(50);
    }
    throw new Error(`screen never showed ${pattern}:\n${this.screen()}`);
  }

  kill(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
