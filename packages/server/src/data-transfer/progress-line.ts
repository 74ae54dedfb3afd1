import cliProgress from 'cli-progress'

export interface ProgressLine {
  /** `done` of `total` (undefined: unknown), with a short tally such as `3 duplicates, 1 rejected`. */
  update(done: number, total: number | undefined, tally?: string): void
  stop(): void
}

/**
 * A progress line on stderr for `spendlens export` and `import` (cli-progress): a bar redrawn in
 * place on a terminal; a plain count every few seconds when stderr is a file or a pipe (CI logs),
 * where a redrawn bar would only be noise.
 */
export function createProgressLine(unit: string, stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  let bar: cliProgress.SingleBar | undefined
  return {
    update(done, total, tally = '') {
      if (!bar) {
        const counts = `{value}${total === undefined ? '' : '/{total}'} ${unit}{tally}`
        bar = new cliProgress.SingleBar({
          stream,
          noTTYOutput: true,
          notTTYSchedule: 5000,
          hideCursor: true,
          formatValue: (value, _options, type) =>
            type === 'value' || type === 'total' ? value.toLocaleString('en-US') : String(value),
          format:
            stream.isTTY && total !== undefined && total > 0
              ? `{bar} {percentage}% | ${counts} | ETA {eta_formatted}`
              : counts,
        })
        bar.start(total ?? 0, done, { tally: tally && ` | ${tally}` })
        return
      }
      if (total !== undefined) bar.setTotal(total)
      bar.update(done, { tally: tally && ` | ${tally}` })
    },
    stop() {
      bar?.stop()
    },
  }
}
