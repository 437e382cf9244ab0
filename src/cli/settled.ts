// Waiting for several loads at once without leaving any of them running behind an error.

/**
 * Like Promise.all, but returns (or throws the first error) only once every load has finished: a refused --junit
 * must not leave the playbook still loading (importing collections) after runCommand has returned.
 */
export async function settled<T extends readonly unknown[]>(work: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
