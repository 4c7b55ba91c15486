// Load generators for `bench:http`: autocannon for HTTP, and a loop of the same shape (a fixed
// number of calls in flight, for a fixed time) for SDK calls. Both report completed calls per second.
import autocannon from 'autocannon'

export interface Throughput {
  /** Calls completed (for HTTP: 2xx responses; any other answer fails the load). */
  completed: number
  seconds: number
  perSecond: number
  p50Ms: number
  p99Ms: number
}

export interface HttpLoad {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string
  connections: number
  /** Ends after this long, unless `amount` is given... */
  durationSeconds?: number
  /** ...or after this many requests. */
  amount?: number
  /** GETs, sent in turn on each connection. */
  requests: readonly { path: string; headers?: Record<string, string> }[]
}

export async function httpLoad(load: HttpLoad): Promise<Throughput> {
  const result = await autocannon({
    url: load.baseUrl,
    connections: load.connections,
    pipelining: 1,
    timeout: 10,
    ...(load.amount === undefined ? { duration: load.durationSeconds ?? 10 } : { amount: load.amount }),
    requests: load.requests.map(({ path, headers }) => ({ method: 'GET', path, headers: headers ?? {} })),
  })
  if (result.non2xx + result.errors + result.timeouts > 0) {
    const statuses = JSON.stringify(result.statusCodeStats ?? {})
    throw new Error(
      `load on ${load.baseUrl}: ${result.non2xx} non-2xx answers (${statuses}), ${result.errors} errors, ${result.timeouts} timeouts`,
    )
  }
  const completed = result['2xx']
  return {
    completed,
    seconds: result.duration,
    perSecond: completed / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  }
}

/** Runs `call` with `concurrency` calls in flight until `durationSeconds` have passed. */
export async function loopLoad(
  call: () => Promise<unknown>,
  options: { concurrency: number; durationSeconds: number },
): Promise<Throughput> {
  const latencies: number[] = []
  const started = performance.now()
  const deadline = started + options.durationSeconds * 1000
  const worker = async () => {
    while (performance.now() < deadline) {
      const callStarted = performance.now()
      await call()
      latencies.push(performance.now() - callStarted)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const at = (fraction: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * fraction))] ?? 0
  return {
    completed: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  }
}
