// How many independent changes are split into transactions. A run of changes that fills more
// transactions than there are writers takes several rounds of them, and the time of a round is set by
// its biggest transaction: 20 full transactions on 8 writers take three rounds, the last with half the
// writers idle. So a run is split into as few rounds as the transaction limit allows, with every round
// full and every transaction about the same size (24 of 84 actions, not 20 of 100): the same actions,
// each writer busy to the end. A run that takes one round is split into as few transactions as fit.

export interface PlanOptions {
  /** The most actions a transaction holds. */
  maxActions: number
  /** Transactions in flight at once. */
  writers: number
}

/**
 * The entries in transactions, in their order: a transaction holds entries of one group only (a
 * tenant's), and an entry's actions are never split.
 */
export function planTransactions<T>(
  entries: readonly T[],
  actionsOf: (entry: T) => number,
  groupOf: (entry: T) => string,
  options: PlanOptions,
): T[][] {
  const transactions: T[][] = []
  let start = 0
  while (start < entries.length) {
    const group = groupOf(entries[start] as T)
    let end = start + 1
    while (end < entries.length && groupOf(entries[end] as T) === group) end++
    transactions.push(...planRun(entries.slice(start, end), actionsOf, options))
    start = end
  }
  return transactions
}

function planRun<T>(run: readonly T[], actionsOf: (entry: T) => number, options: PlanOptions): T[][] {
  const sizes = run.map(actionsOf)
  const total = sizes.reduce((sum, size) => sum + size, 0)
  const fewest = split(run, sizes, options.maxActions, Number.POSITIVE_INFINITY).length
  const rounds = Math.ceil(fewest / options.writers)
  if (rounds <= 1) return split(run, sizes, options.maxActions, total / fewest)
  return split(run, sizes, options.maxActions, total / (rounds * options.writers))
}

/**
 * Greedy: a transaction closes once the actions before the next entry reach its share of the run
 * (`share` each, cumulatively), or when the next entry would not fit.
 */
function split<T>(run: readonly T[], sizes: readonly number[], maxActions: number, share: number): T[][] {
  const transactions: T[][] = []
  let current: T[] = []
  let inCurrent = 0
  let done = 0
  for (const [index, entry] of run.entries()) {
    const size = sizes[index] as number
    if (current.length > 0 && (inCurrent + size > maxActions || done >= share * (transactions.length + 1))) {
      transactions.push(current)
      current = []
      inCurrent = 0
    }
    current.push(entry)
    inCurrent += size
    done += size
  }
  if (current.length > 0) transactions.push(current)
  return transactions
}
