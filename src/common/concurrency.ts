/**
 * Runs `work` over `items`, at most `limit` at a time. Once one item's work has failed, no further item is
 * started (the call rejects with that failure; what is under way finishes on its own): a listing whose page
 * failed, or a cancelled run, sends nothing more for a result nobody will read.
 */
export async function mapConcurrent<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await work(items[index], index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
