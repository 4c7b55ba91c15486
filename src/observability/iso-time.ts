// Now as Date#toISOString writes it, worked out once per millisecond: under load many requests
// (the timestamp of their answer, the time of their log line) fall within the same one.
let lastMs = Number.NaN
let lastText = ''

export function isoTime(ms: number = Date.now()): string {
  if (ms !== lastMs) {
    lastText = new Date(ms).toISOString()
    lastMs = ms
  }
  return lastText
}
