// The collections every run loads unless told otherwise: the ones this package ships. Each is imported by its
// package name, so the CLI bundle includes it (scripts/bundle.mjs) and the library reaches it as a user would.

/** Bundled collection name → how to import it. */
export const DEFAULT_COLLECTIONS: Record<string, () => Promise<Record<string, unknown>>> = {
  bitcoin_i2p: () => import('provision/collections/bitcoin_i2p'),
};
