// Runs a playbook through the runner with every reporter listening (human at -vvv with --diff, --json, --junit) and
// gives everything they printed or wrote as one text, for tests that search all output at once.
import { runPlaybook, type RunOptions } from '../../src/runner/run.js';
import '../../src/modules/index.js';
import { humanReporter } from '../../src/report/human.js';
import { jsonReporter } from '../../src/report/json.js';
import { JunitCollector } from '../../src/report/junit.js';
import type { Play, Task } from '../../src/playbook/types.js';
import { localInventory, play, playbook } from './build.js';

/** What a run over one local host (h1) printed in every output mode, as one text. */
export async function allOutput(tasks: Task[], over: Partial<Play> = {}, hostVars: Record<string, unknown> = {}, options: Partial<RunOptions> = {}): Promise<string> {
  let human = '';
  let json = '';
  const junit = new JunitCollector();
  const listeners = [
    humanReporter({ write: (t) => (human += t), tty: false, color: false, verbose: 3, diff: true }),
    jsonReporter((l) => (json += l)),
    junit.listener,
  ];
  await runPlaybook({ playbook: playbook(play(tasks, over)), inventory: localInventory(1, hostVars), diff: true, verbose: 3, onEvent: (e) => listeners.forEach((l) => l(e)), ...options });
  return `${human}\n${json}\n${junit.toXml()}`;
}
