/**
 * A model to price yourself: one the catalog lacks, or a negotiated rate that replaces its price.
 * With `from` and/or `until` it applies only to calls made in that period (a price change is two
 * entries, one ending the day the other starts); outside it the call is priced as if the entry
 * did not exist (the next entry that matches, else the catalog).
 */
export interface CustomModelPrice {
  /** Provider id as in events: `openai`, `anthropic`, `google`, `deepseek`, … */
  provider: string
  /** The model as the response reports it: an exact id, or every id that starts with a prefix. */
  model: string | { startsWith: string }
  /**
   * The catalog's price keys: `input_mtok`, `output_mtok`, `cache_read_mtok`, `cache_write_mtok`,
   * `cache_write_1h_mtok`, `input_audio_mtok`, `output_audio_mtok`, `input_image_mtok`,
   * `input_mchars`, `audio_hours`, `web_searches_kcount`… (`_mtok` is per million tokens).
   */
  prices: Record<string, number>
  /** The first UTC day (`YYYY-MM-DD`) the price applies to; from the beginning when absent. */
  from?: string
  /** The first UTC day (`YYYY-MM-DD`) it no longer applies to; for ever when absent. */
  until?: string
  /** Recorded in `price_source` as `custom:<label>`; default `<provider>/<model>`. */
  label?: string
}
