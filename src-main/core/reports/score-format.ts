/**
 * How scores are written in reports and on colorbars: enough decimals to tell
 * ticks of the range apart, no more.
 *
 *   formatScore(0.5, 1)      // "0.50"
 *   formatScore(0.0125, 0.05) // "0.0125"
 *   formatScore(42, 100)     // "42"
 */

/** Decimals for values on a scale that spans `span` score units (2 for a 0..1 range). */
export function scoreDecimals(span: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 3;
  return Math.max(0, Math.min(6, Math.ceil(-Math.log10(span)) + 2));
}

/** `value` with the decimals that suit a range of `span`; NaN and infinities spelled out. */
export function formatScore(value: number, span = 1): string {
  if (Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const text = value.toFixed(scoreDecimals(span));
  return text === '-0' || /^-0\.0*$/.test(text) ? text.slice(1) : text;
}
