import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { builtinModules } from '../../../src/modules/index.js';
import { getModule } from '../../../src/modules/registry.js';
import { modeArg } from '../../../src/modules/files/attrs.js';

describe('the built-in modules', () => {
  it('are registered on import', () => {
    expect(builtinModules.map((m) => m.name).sort()).toEqual(['apt', 'assert', 'command', 'copy', 'debug', 'fail', 'file', 'get_url', 'group', 'service', 'set_fact', 'shell', 'template', 'ufw', 'unarchive', 'user', 'wait_for']);
    for (const m of builtinModules) expect(getModule(m.name)).toBe(m);
  });

  // The module reference and the editor schema are generated from these, so every argument must explain itself.
  it.each(builtinModules.map((m) => [m.name, m] as const))('%s: has a JSON Schema with a description on every argument', (_name, m) => {
    const schema = z.toJSONSchema(m.args, { io: 'input' }) as { properties?: Record<string, { description?: string }>; additionalProperties?: unknown; description?: string };
    expect(m.summary.length).toBeGreaterThan(10);
    if (m.name === 'set_fact') {
      expect(schema.description).toBe('Variables to set on the host: name → value');
      return;
    }
    expect(schema.additionalProperties).toBe(false);
    const undescribed = Object.entries(schema.properties ?? {}).filter(([, p]) => !p.description).map(([k]) => k);
    expect(undescribed).toEqual([]);
  });

  it('every module with a free-form argument names a real argument', () => {
    for (const m of builtinModules.filter((x) => x.freeForm)) {
      const schema = z.toJSONSchema(m.args, { io: 'input' }) as { properties: Record<string, unknown> };
      expect(Object.keys(schema.properties)).toContain(m.freeForm);
    }
  });
});

describe('modes', () => {
  it.each([
    ['0644', '0644'],
    ['644', '0644'],
    ['2750', '2750'],
    [644, '0644'], // YAML 1.2 reads `mode: 0644` as the integer 644
    [755, '0755'],
  ])('%j → %s', (input, mode) => {
    expect(modeArg.parse(input)).toBe(mode);
  });
  it.each([
    ['u+rwx', 'symbolic mode "u+rwx" is not supported: write an octal mode like "0644"'],
    ['u=rw,g=r,o=r', 'symbolic mode "u=rw,g=r,o=r" is not supported: write an octal mode like "0644"'],
    ['0854', 'invalid mode "0854": expected an octal mode like "0644" (3 or 4 digits 0-7)'],
    [648, 'invalid mode 648: expected an octal mode like "0644" (3 or 4 digits 0-7)'],
    ['12345', 'invalid mode "12345": expected an octal mode like "0644" (3 or 4 digits 0-7)'],
  ])('refuses %j', (input, message) => {
    expect(modeArg.safeParse(input).error!.issues[0].message).toBe(message);
  });
  it('reads a number by its digits, so YAML 1.1-style 0o644 = 420 would mean 0420 (hence: quote modes)', () => {
    expect(modeArg.parse(420)).toBe('0420');
  });
});
