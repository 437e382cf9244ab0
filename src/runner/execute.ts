// One module on one host: prepare (control side) → probe (read-only) → plan (pure) → apply steps (unless check mode).
import type { ModuleContext, ModuleDef, Plan, StepResult } from '../modules/define.js';
import type { ExecResult, Transport } from '../transport/types.js';
import { wrap, type ShellText } from '../shell/quote.js';

/** How the runner's probe batching (src/runner/probes.ts) takes part in one module invocation. */
export interface ProbeHooks {
  /** Answers one wrapped, read-only probe script: from a batch already sent, or by running it (maybe in a batch). */
  probe(script: ShellText, signal?: AbortSignal): Promise<ExecResult>;
  /** Told before the first step that may change the host, so answers read before it are not used after it. */
  changing(): void;
  /** Told when the module is done; `changed` false means it changed nothing (e.g. only a daemon-reload ran). */
  done?(changed: boolean): void;
}

/** The outcome of one module invocation on one host. */
export interface ModuleOutcome {
  changed: boolean;
  failed: boolean;
  /** Failure message, or the plan's note. */
  message?: string;
  plan: Plan;
  applied: StepResult[];
  /** The value `register` stores. */
  result: Record<string, unknown>;
}

/** Runs a module's probe/plan and, outside check mode, its steps, stopping at the first failing step. */
export async function executeModule(
  def: ModuleDef,
  args: unknown,
  ctx: ModuleContext,
  transport: Transport,
  signal?: AbortSignal,
  hooks?: ProbeHooks,
): Promise<ModuleOutcome> {
  const input = def.prepare ? await def.prepare(args, ctx) : args;
  const probe = def.probe?.(input, ctx);
  const probeScript = probe && wrap(probe.script, ctx.become);
  const probed = probe ? await (hooks ? hooks.probe(probeScript!, signal) : transport.exec(probeScript!, { signal })) : undefined;
  // A killed or timed-out probe read nothing: planning from its partial output could change the host wrongly.
  if (probed && probed.code === null) {
    const why = probed.timedOut ? 'timed out' : `was killed by ${probed.signal ?? 'a signal'}`;
    const detail = probed.stderr.trim().split('\n').slice(-2).join('\n');
    const message = ctx.masker.mask(`reading the host's current state ${why}${detail ? `\n${detail}` : ''}`);
    return { changed: false, failed: true, message, plan: { steps: [], fail: message }, applied: [], result: { changed: false, failed: true, msg: message } };
  }
  const current = probe ? probe.parse(probed!) : undefined;
  const plan = def.plan(input, current, ctx);
  const applied: StepResult[] = [];
  let failed = plan.fail !== undefined;
  let message = plan.fail ?? plan.note;
  if (!failed) {
    for (const step of plan.steps) {
      if (ctx.check && !step.readOnly) continue;
      if (!step.readOnly) hooks?.changing();
      const result = await transport.exec(wrap(step.script, ctx.become), { stdin: step.stdin, timeoutMs: step.timeoutMs, signal });
      applied.push({ step, result });
      if (result.code === null || !(step.okCodes ?? [0]).includes(result.code)) {
        failed = true;
        const why = result.timedOut ? (step.timeoutMs !== undefined ? `timed out after ${step.timeoutMs} ms` : 'timed out') : result.code === null ? `killed by ${result.signal ?? 'a signal'}` : `exit code ${result.code}`;
        const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
        message = ctx.masker.mask(`${step.describe}: ${why}${detail ? `\n${detail}` : ''}`);
        break;
      }
    }
  }
  const changed = plan.changed ?? plan.steps.some((s) => !s.readOnly);
  hooks?.done?.(changed);
  const last = applied.at(-1)?.result;
  const result: Record<string, unknown> = {
    changed,
    failed,
    ...(message !== undefined ? { msg: message } : {}),
    ...(last ? { rc: last.code, stdout: last.stdout, stderr: last.stderr } : {}),
    ...plan.result,
    ...(def.result ? def.result(input, applied, plan) : {}),
  };
  return { changed, failed, message, plan, applied, result };
}
