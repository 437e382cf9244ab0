// What `import('provision/collections/NAME')` gives when src/ is compiled alone (tsconfig.build.json): an entry
// module, checked at run time by collectionOf(). The collections are compiled after src/ (tsconfig.collections.json).
declare const entry: Record<string, unknown>;
export default entry;
