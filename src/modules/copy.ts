// copy: a file on the host with given content, or the bytes of a file from the control machine.
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ProvisionError } from '../errors.js';
import { readLocalFile } from '../local-read.js';
import { checkContent } from './checkers.js';
import { defineModule, type ModuleContext } from './define.js';
import { contentFile, contentFileArgs, contentProbe, contentResult, planContent, type ContentFile } from './files/content.js';
import type { FileState } from './files/state.js';

const args = z
  .strictObject({
    ...contentFileArgs,
    content: z.string().optional().describe('The file content, written as is (give this or src)'),
    src: z
      .string()
      .min(1)
      .optional()
      .describe('A regular file on the control machine, at most 64 MB: absolute, or relative to the playbook folder, then its files/ folder (give this or content)'),
  })
  .superRefine((a, ctx) => {
    if ((a.content === undefined) === (a.src === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of content or src', path: [] });
  });

/** copy's arguments after parsing. */
export type CopyArgs = z.output<typeof args>;

/** The largest copy src: its bytes are held in memory for every host the task runs on. */
export const MAX_COPY_SRC_BYTES = 64 * 1024 * 1024;

/** Where a relative `src` is looked for: the playbook folder, then its files/ folder. */
export function copySourceCandidates(src: string, playbookDir: string): string[] {
  return isAbsolute(src) ? [src] : [resolve(playbookDir, src), resolve(playbookDir, 'files', src)];
}

async function readSource(src: string, ctx: ModuleContext): Promise<Buffer> {
  const tried = copySourceCandidates(src, ctx.playbookDir);
  for (const path of tried) {
    const info = await stat(path).catch(() => undefined);
    if (!info) continue;
    if (info.isDirectory()) {
      throw new ProvisionError({ what: `copy src ${path} is a directory`, expected: 'a file', fix: 'copy each file, or use a template per file', code: 'copy-src-directory' });
    }
    return readLocalFile(path, {
      what: 'copy src',
      maxBytes: MAX_COPY_SRC_BYTES,
      signal: ctx.signal,
      tooLargeFix: 'fetch large files on the host (get_url, unarchive), or split them',
    });
  }
  throw new ProvisionError({
    what: `copy src "${src}" not found`,
    expected: `a file at ${tried.join(' or ')}`,
    fix: 'check the path, or put the file in the files/ folder next to the playbook',
    code: 'copy-src-missing',
  });
}

/** The copy module. */
export const copy = defineModule<CopyArgs, ContentFile, FileState>({
  name: 'copy',
  summary: 'Write a file on the host from inline content or a file on the control machine, atomically and only when it differs.',
  args,
  async prepare(a, ctx) {
    const data = a.content !== undefined ? Buffer.from(a.content, 'utf8') : await readSource(a.src!, ctx);
    if (a.lint) checkContent(a.lint, data.toString('utf8'), { file: a.dest, host: ctx.host });
    return contentFile(a, data);
  },
  probe: contentProbe,
  plan: planContent,
  result: (file, applied) => contentResult(file, applied),
});
