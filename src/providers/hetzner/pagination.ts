/** Reads every page of a Hetzner list endpoint (50 per page, the API's maximum), following next_page. */

interface Page<T> {
  items: T[];
  nextPage: number | null | undefined;
}

export async function listAll<T>(fetchPage: (page: number) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  for (let page: number | null | undefined = 1; page; ) {
    const result = await fetchPage(page);
    all.push(...result.items);
    page = result.nextPage;
  }
  return all;
}
