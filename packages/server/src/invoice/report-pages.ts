/** The page envelope both providers' admin reports share (OpenAI adds `object: "page"`). */
export interface WirePage<Bucket> {
  data: Bucket[]
  has_more: boolean
  next_page: string | null
}

export interface PagedReport<Bucket> {
  /** Named in errors: `OpenAI usage/completions`. */
  name: string
  /** Epoch ms, as ReportSource.fetch got them. */
  from: number
  to: number
  /** One page: the first without a cursor, the next with the `next_page` before. */
  readPage: (cursor: string | undefined) => Promise<WirePage<Bucket>>
  /** Epoch ms. */
  bucketEnd: (bucket: Bucket) => number
  onPage: (buckets: Bucket[], range: { from: number; to: number }) => Promise<void>
}

/**
 * Reads a report page by page, following `next_page` until `has_more` is false, and hands each
 * page over with the range its buckets cover, as ReportPage documents it: the first from `from`,
 * each next from where the one before ended, each to the end of its last bucket, and the last to
 * `to`. So the pages tile the request exactly, and a day the provider has stopped reporting falls
 * inside some page's range, to be replaced by nothing.
 *
 * A provider that says there is more without a cursor, or repeats a cursor, would loop forever,
 * and a body of another shape would read as a report of zero spend: both are errors.
 */
export async function followPages<Bucket>(report: PagedReport<Bucket>): Promise<void> {
  const seen = new Set<string>()
  let cursor: string | undefined
  let pageFrom = report.from
  for (;;) {
    const page = await report.readPage(cursor)
    if (!Array.isArray(page?.data) || typeof page.has_more !== 'boolean') {
      throw new Error(`${report.name}: the answer is not a report page (no data array or no has_more)`)
    }
    const lastEnd = Math.max(pageFrom, ...page.data.map(report.bucketEnd))
    const pageTo = page.has_more ? Math.min(lastEnd, report.to) : report.to
    await report.onPage(page.data, { from: pageFrom, to: pageTo })
    if (!page.has_more) return
    if (!page.next_page || seen.has(page.next_page)) {
      const why = page.next_page ? 'a next_page it gave before' : 'no next_page'
      throw new Error(`${report.name}: the report says has_more but gives ${why}`)
    }
    seen.add(page.next_page)
    cursor = page.next_page
    pageFrom = pageTo
  }
}
