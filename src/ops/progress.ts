// Progress of a long-running script: a bar with the rate and an ETA on a terminal, a plain line
// every few seconds otherwise (CI logs, `| tee`, ECS tasks), and the same summary line at the end.
import cliProgress from 'cli-progress'

export interface Progress {
  /** `done` more items finished; `counts` are added to the named counters shown beside the bar. */
  add(done: number, counts?: Readonly<Record<string, number>>): void
  /** The expected number of items, when it becomes known (or changes). */
  setTotal(total: number): void
  readonly counts: Readonly<Record<string, number>>
  /** Stops the bar and prints the summary line. */
  stop(): void
}

export interface ProgressOptions {
  label: string
  total?: number
  /** Where it prints (stderr by default, so a script's own output stays clean). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean }
  /** Seconds between plain lines when the stream is not a terminal. */
  intervalSeconds?: number
  now?: () => number
}

export function startProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr
  const now = options.now ?? Date.now
  const started = now()
  const counts: Record<string, number> = {}
  let done = 0
  let total = options.total ?? 0

  const describe = () => {
    const seconds = Math.max((now() - started) / 1_000, 0.001)
    const rate = done / seconds
    const eta = total > done && rate > 0 ? formatSeconds((total - done) / rate) : total > 0 ? '0s' : '?'
    const countText = Object.entries(counts)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')
    return { rate: Math.round(rate), eta, countText, seconds }
  }

  const bar = stream.isTTY
    ? new cliProgress.SingleBar(
        {
          stream: stream as NodeJS.WriteStream,
          format: `${options.label} [{bar}] {percentage}% | {value}/{total} | {rate} items/s | ETA {etaText} | {countText}`,
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined
  bar?.start(total, 0, { rate: 0, etaText: '?', countText: '' })

  const line = () => {
    const { rate, eta, countText } = describe()
    const of = total > 0 ? `/${total}` : ''
    stream.write(
      `${options.label}: ${done}${of} items, ${rate} items/s, ETA ${eta}${countText ? `, ${countText}` : ''}\n`,
    )
  }
  const timer = bar ? undefined : setInterval(line, (options.intervalSeconds ?? 5) * 1_000)
  timer?.unref()

  return {
    counts,
    add(more, moreCounts = {}) {
      done += more
      for (const [name, value] of Object.entries(moreCounts)) counts[name] = (counts[name] ?? 0) + value
      if (bar) {
        const { rate, eta, countText } = describe()
        if (done > total) bar.setTotal(done)
        bar.update(done, { rate, etaText: eta, countText })
      }
    },
    setTotal(next) {
      total = next
      bar?.setTotal(Math.max(next, done))
    },
    stop() {
      if (timer) clearInterval(timer)
      bar?.stop()
      const { rate, countText, seconds } = describe()
      stream.write(
        `${options.label}: done, ${done} items in ${formatSeconds(seconds)} (${rate} items/s)${countText ? `; ${countText}` : ''}\n`,
      )
    },
  }
}

export function formatSeconds(seconds: number): string {
  const whole = Math.round(seconds)
  if (whole < 60) return `${whole}s`
  const minutes = Math.floor(whole / 60)
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`
}
