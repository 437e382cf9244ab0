// The jest entry of lab-teardown.ts: jest loads a global set-up file without mapping our NodeNext imports (`./x.js` for
// x.ts), so this one registers the TypeScript loader and runs the set-up from source.
import '../../scripts/ts-loader.mjs';

export default async function run(...args) {
  return (await import('./lab-teardown.ts')).default(...args);
}
