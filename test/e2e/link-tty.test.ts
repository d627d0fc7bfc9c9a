import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { BIN } from '../support/cli.js';
import { requireBinary } from '../support/require-binary.js';
import { TmuxSession } from '../support/tmux.js';

const tmux = requireBinary('tmux', 'tmux');
const SUBNET = 16;

describe.skipIf(!tmux.available)('link in a real terminal (tmux)', () => {
  let sb: RunningSandbox;
  const sessions: TmuxSession[] = [];
  beforeAll(async () => {
    sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-tty-')), subnet: SUBNET, restartMs: 50, seedPeer: true, plugins: false });
  });
  afterAll(async () => {
    for (const s of sessions) s.kill();
    await sb?.stop();
  });

  it('a wrong answer at the typed confirmation cancels with nothing written', async () => {
    const t = new TmuxSession(`${process.execPath} ${BIN} link alpha beta --config ${sb.configPath}`);
    sessions.push(t);
    await t.waitFor(/Type alpha-beta to continue/);
    t.send('beta-alpha', 'Enter');
    const screen = await t.waitFor(/EXIT=\d+/);
    expect(screen).toMatch(/cancelled at the confirmation; nothing was written/);
    expect(screen).toMatch(/EXIT=130/);
    expect(sb.snapshot().clusters.map((c) => c.saves)).toEqual([0, 0]);
  });

  it('shows the live task list and the plan, asks for alpha-beta, then links', async () => {
    const t = new TmuxSession(`${process.execPath} ${BIN} link alpha beta --config ${sb.configPath}`);
    sessions.push(t);
    const asked = await t.waitFor(/Type alpha-beta to continue/);
    expect(asked).toMatch(/✔ Read realm, KDCs, peers and health from the Manager/);
    expect(asked).toMatch(/\+ add {5}BETA\.MRS {2}127\.16\.2\.11:21732,127\.16\.2\.12:21732/);
    expect(asked).toMatch(/= keep {4}PARTNER\.MRS/);
    t.send('alpha-beta', 'Enter');
    const done = await t.waitFor(/EXIT=\d+/);
    expect(done).toMatch(/✔ Restart KrbServer so the new peer_realms take effect/);
    expect(done).toMatch(/Linked alpha ↔ beta/);
    expect(done).toMatch(/EXIT=0/);
    expect(sb.snapshot().clusters.map((c) => c.restartCount)).toEqual([1, 1]);
  });

  it('link with a cluster left out asks for it (the wizard), here cancelled with Ctrl-C: exit 130', async () => {
    const t = new TmuxSession(`${process.execPath} ${BIN} link alpha --config ${sb.configPath}`);
    sessions.push(t);
    await t.waitFor(/Second cluster/);
    t.send('C-c');
    const screen = await t.waitFor(/EXIT=\d+/);
    expect(screen).toMatch(/EXIT=130/);
  });
});
