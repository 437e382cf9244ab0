// Two copies of provision can meet in one process: the CLI runs from one bundled file (scripts/bundle.mjs), and a
// project-local module imports `provision` (the library in dist/) for `sh` and `defineModule`. A ShellText or a
// Secret made by one copy must be recognised by the other, or a safe command would be quoted as a plain string and
// a user error reported as a crash. Branding with a registry symbol makes `instanceof` agree across copies.

/** Makes `value instanceof cls` also true for instances of the same class from another copy of provision. */
export function brand(cls: abstract new (...args: never[]) => object, name: string): void {
  const mark = Symbol.for(`provision.${name}`);
  Object.defineProperty(cls.prototype, mark, { value: true });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: unknown, v: unknown): boolean {
      // Subclasses keep the ordinary check; only the branded class itself accepts another copy's instances.
      if (Function.prototype[Symbol.hasInstance].call(this, v)) return true;
      return this === cls && typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[mark] === true;
    },
  });
}
