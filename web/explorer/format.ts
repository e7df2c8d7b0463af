/** Times as the explorer shows them: UTC, to the millisecond. */
export function formatTime(timestamp: string): string {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : date.toISOString().replace('T', ' ').replace('Z', '');
}
