/**
 * The moment a report is generated, in the two forms the report prints: ISO
 * 8601 with the local offset (also the PDF creation date) and a readable local
 * form, both in the machine's time zone.
 *
 *   generatedAtOf(new Date('2025-03-01T13:05:00Z'))  // in Europe/Berlin:
 *   // { iso: '2025-03-01T14:05:00+01:00', local: '1 March 2025, 14:05' }
 */
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number): string => String(n).padStart(2, '0');

export function isoWithOffset(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${date}T${time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function localDateTime(d: Date): string {
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function generatedAtOf(d: Date): { iso: string; local: string } {
  return { iso: isoWithOffset(d), local: localDateTime(d) };
}
