// Runs a module the way the runner does (args parsed by the module's schema → executeModule) on this machine
// through LocalTransport, recording every command and its stdin so tests can assert what actually ran.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModuleContext, ModuleDef } from '../../src/modules/define.js';
import { executeModule, type ModuleOutcome } from '../../src/runner/execute.js';
import type { ShellText } from '../../src/shell/quote.js';
import { Masker } from '../../src/shell/secret.js';
import { LocalTransport } from '../../src/transport/local.js';
import type { ExecOptions, ExecResult, Transport } from '../../src/transport/types.js';

/** One command a module sent to the host. */
export interface Recorded {
  script: string;
  stdin?: Buffer | string;
  result: ExecResult;
}

/** LocalTransport that remembers what it ran. */
export class RecordingTransport implements Transport {
  readonly name = 'localhost';
  readonly log: Recorded[] = [];
  readonly #local = new LocalTransport();
  get roundTrips(): number {
    return this.#local.roundTrips;
  }
  async exec(command: ShellText, options: ExecOptions = {}): Promise<ExecResult> {
    const result = await this.#local.exec(command, options);
    this.log.push({ script: command.text, stdin: options.stdin, result });
    return result;
  }
  async close(): Promise<void> {}
}

/** A ModuleContext for tests: not check, not diff, no become, empty vars, playbookDir as given. */
export function testContext(overrides: Partial<ModuleContext> = {}): ModuleContext {
  return {
    host: 'localhost',
    vars: {},
    check: false,
    diff: false,
    become: false,
    playbookDir: process.cwd(),
    templateDirs: [],
    masker: new Masker(),
    ...overrides,
  };
}

/** What one module run did. */
export interface ModuleRun extends ModuleOutcome {
  /** Every command sent to the host, probe first. */
  execs: Recorded[];
}

/** Parses `args` with the module's schema (as the runner does after templating) and runs it on this machine. */
export async function runModule(def: ModuleDef, args: unknown, ctx: Partial<ModuleContext> = {}): Promise<ModuleRun> {
  const transport = new RecordingTransport();
  const parsed = def.args.parse(args);
  const outcome = await executeModule(def, parsed, testContext(ctx), transport);
  return { ...outcome, execs: transport.log };
}

/** The four runs every module must pass: check → real → real again → check again. */
export interface FourSteps {
  checkBefore: ModuleRun;
  first: ModuleRun;
  second: ModuleRun;
  checkAfter: ModuleRun;
}

/**
 * Runs the four steps; `observe` reads the host's state (e.g. a file's bytes) after the first check run, so a test
 * can assert that check mode changed nothing.
 */
export async function fourSteps(
  def: ModuleDef,
  args: unknown,
  ctx: Partial<ModuleContext> = {},
  observe?: () => Promise<unknown>,
): Promise<FourSteps & { before: unknown; afterCheck: unknown }> {
  const before = await observe?.();
  const checkBefore = await runModule(def, args, { ...ctx, check: true });
  const afterCheck = await observe?.();
  const first = await runModule(def, args, ctx);
  const second = await runModule(def, args, ctx);
  const checkAfter = await runModule(def, args, { ...ctx, check: true });
  return { checkBefore, first, second, checkAfter, before, afterCheck };
}

/** A fresh temp folder; call the returned cleanup in afterEach/afterAll. */
export async function tempDir(prefix = 'provision-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
