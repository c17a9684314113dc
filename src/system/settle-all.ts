// Like Promise.all, but waits for every promise before throwing the first failure,
// so nothing started in parallel can register its teardown after the unwind began.

type Settled<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

export async function settleAll<T extends readonly unknown[] | []>(
  promises: T,
): Promise<Settled<T>> {
  const results = await Promise.allSettled(promises as readonly unknown[]);
  const values: unknown[] = [];
  for (const result of results) {
    if (result.status === 'rejected') throw result.reason;
    values.push(result.value);
  }
  return values as Settled<T>;
}
