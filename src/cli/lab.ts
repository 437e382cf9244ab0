// `provision lab ...`: throwaway Debian hosts (built in src/lab).
import type { Command } from 'commander';

/** Adds the `lab` command group. */
export function registerLab(program: Command): void {
  program.command('lab').description('throwaway Debian hosts on this machine (see `provision lab --help`)');
}
