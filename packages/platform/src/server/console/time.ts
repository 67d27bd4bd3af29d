/** Beijing time (UTC+8, no daylight saving) for days and display: the center's day is Beijing's. */
const OFFSET_MS = 8 * 3600_000;

/** yyyy-MM-dd of an instant in Beijing. */
export function beijingDay(d: Date): string {
  return new Date(d.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** yyyy-MM-dd HH:mm:ss in Beijing. */
export function beijingTime(d: Date | string | null | undefined): string {
  if (d === null || d === undefined) return '';
  const t = new Date(d);
  if (Number.isNaN(t.getTime())) return '';
  return new Date(t.getTime() + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
