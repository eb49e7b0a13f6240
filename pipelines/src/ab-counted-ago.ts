/**
 * When an ended experiment's counts were made, said the same way on the console's card and by
 * `acsa experiments show`: "counted 5 h ago". Null for a running experiment (counted on every read).
 */
export function countedAgo(countedAt: Date | string | null, now = new Date()): string | null {
  if (countedAt === null) return null;
  const minutes = Math.floor((now.getTime() - new Date(countedAt).getTime()) / 60_000);
  if (minutes < 1) return 'counted just now';
  if (minutes < 60) return `counted ${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `counted ${hours} h ago`;
  return `counted ${Math.floor(hours / 24)} days ago`;
}
