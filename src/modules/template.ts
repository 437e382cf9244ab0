// template: a Handlebars file rendered on the control machine with the host's variables, then written like copy.
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { ProvisionError } from '../errors.js';
import { checkContent } from './checkers.js';
import { readLocalFile } from '../local-read.js';
import { Secret, type Masker } from '../shell/secret.js';
import { render } from '../template/render.js';
import { defineModule } from './define.js';
import { contentFile, contentFileArgs, contentProbe, contentResult, planContent, type ContentFile } from './files/content.js';
import type { FileState } from './files/state.js';

const args = z.strictObject({
  src: z.string().min(1).describe('The Handlebars template (a regular file, at most 4 MB): absolute, or found in the template folders, then the playbook\'s templates/ folder'),
  ...contentFileArgs,
});

/** The largest template source: it is rendered in memory for every host. */
export const MAX_TEMPLATE_BYTES = 4 * 1024 * 1024;

/** template's arguments after parsing. */
export type TemplateArgs = z.output<typeof args>;

/** Where a relative template `src` is looked for, in order. */
export function templateCandidates(src: string, templateDirs: string[], playbookDir: string): string[] {
  if (isAbsolute(src)) return [src];
  return [...new Set([...templateDirs.map((d) => resolve(d, src)), resolve(playbookDir, 'templates', src)])];
}

// A path under the current folder reads better relative to it, as the playbook's own path does.
const shownPath = (p: string) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));

/**
 * The variables with every Secret replaced by its value (the file needs the real thing), each one remembered by the
 * masker so diffs and logs still show ***.
 */
export function revealSecrets(value: unknown, masker: Masker): unknown {
  if (value instanceof Secret) {
    masker.add(value);
    return value.reveal();
  }
  if (Array.isArray(value)) return value.map((v) => revealSecrets(v, masker));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecrets(v, masker)]));
  }
  return value;
}

/** The template module. */
export const template = defineModule<TemplateArgs, ContentFile, FileState>({
  name: 'template',
  summary: 'Render a Handlebars template on the control machine and write it to the host like copy (atomic, validated, diffable).',
  args,
  async prepare(a, ctx) {
    const tried = templateCandidates(a.src, ctx.templateDirs, ctx.playbookDir);
    const path = tried.find((p) => existsSync(p));
    if (!path) {
      throw new ProvisionError({
        what: `template "${a.src}" not found`,
        expected: `a file at ${tried.map(shownPath).join(' or ')}`,
        fix: 'check the name, or put the template in the templates/ folder next to the playbook',
        code: 'template-missing',
      });
    }
    const source = (await readLocalFile(path, { what: 'template', maxBytes: MAX_TEMPLATE_BYTES, signal: ctx.signal, tooLargeFix: 'split it into several templates' })).toString('utf8');
    const text = render(source, revealSecrets(ctx.vars, ctx.masker) as Record<string, unknown>, { file: path });
    if (a.lint) checkContent(a.lint, text, { file: `${a.dest} (rendered from ${a.src})`, host: ctx.host });
    return contentFile(a, Buffer.from(text, 'utf8'));
  },
  probe: contentProbe,
  plan: planContent,
  result: (file, applied) => contentResult(file, applied),
});
