// A report file named on the command line (--junit): checked before the run, so that a path that cannot be written
// fails before any host is contacted, not after every change was applied.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ProvisionError } from '../errors.js';
import { fileKind } from '../local-read.js';

/** Refuses `file` (named by `option`) unless a report can be written there: a new or regular file in a writable folder. */
export async function checkReportFile(option: string, file: string): Promise<void> {
  const refuse = (why: string, fix: string) => new ProvisionError({ what: `${option} ${file}: cannot write the report there: ${why}`, fix, code: 'usage' });
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) throw refuse('it is a directory', `name a file in it, e.g. ${option} ${join(file, 'junit.xml')}`);
  if (info && !info.isFile()) throw refuse(`it is ${fileKind(info)}, not a regular file`, 'name a regular file');
  const folder = dirname(file);
  const parent = info ? undefined : await stat(folder).catch(() => undefined);
  if (!info && !parent) throw refuse(`folder ${folder} does not exist`, 'create the folder first, or name a file in an existing one');
  if (parent && !parent.isDirectory()) throw refuse(`${folder} is not a folder`, 'name a file in an existing folder');
  await access(info ? file : folder, constants.W_OK).catch(() => {
    throw refuse('permission denied', 'name a file you can write');
  });
}
