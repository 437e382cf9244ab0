// The layering of src/ (docs/architecture.md), enforced in `npm test` (test/unit/architecture.test.ts).
// A layer may import its own folder and any layer below it; type-only imports count too.
const LAYERS = [
  ['base', '^src/(errors|brand|local-read|confined-path)\\.ts$|^src/(shell|source|text|process)/'],
  ['core-io', '^src/(template|transport|expr)/'],
  ['modules', '^src/(facts|modules|collections)/'],
  ['inventory', '^src/inventory/'],
  ['playbook', '^src/playbook/'],
  ['runner', '^src/runner/'],
  ['outputs', '^src/(report|schema)/'],
  ['library', '^src/index\\.ts$'],
  ['cli', '^src/cli/'],
];

/** One rule per layer: nothing in it imports a layer above it. */
const upward = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `no-upward-from-${name}`,
  comment: `${name} sits below ${LAYERS.slice(i + 1).map(([n]) => n).join(', ')}`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(i + 1).map(([, p]) => `(${p})`).join('|') },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-circular',
      comment: 'a circle makes load order matter and hides which file owns a concept (a collection is a plugin the library imports by name at run time: a loop through collections/ is how plugins work)',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { pathNot: '^collections/' } },
    },
    {
      name: 'lab-uses-base-only',
      comment: 'the lab (throwaway hosts) is a tool beside the library: it needs only the base helpers',
      severity: 'error',
      from: { path: '^src/lab/' },
      to: { path: '^src/', pathNot: `^src/lab/|${LAYERS[0][1]}` },
    },
    {
      name: 'only-cli-uses-lab',
      comment: 'besides the CLI, only the Collection type names the lab extension type (a collection may bring one)',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(lab|cli)/' },
      to: { path: '^src/lab/', pathNot: '^src/lab/extension\\.ts$' },
    },
    {
      name: 'lab-extension-type-only',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(lab|cli)/' },
      to: { path: '^src/lab/extension\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'collections-use-the-public-api',
      comment: 'a collection is loaded through the same API a user collection gets: it imports `provision` (and `provision/lab` for a lab extension), never src/ files',
      severity: 'error',
      from: { path: '^collections/' },
      to: { path: '^src/', pathNot: '^src/(index|lab/extension)\\.ts$' },
    },
    {
      name: 'core-names-no-collection',
      comment: 'src/ stays general: only the collection loader knows the bundled collections',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/collections/' },
      to: { path: '^collections/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(test|bench|examples|dist)/' },
  },
};
