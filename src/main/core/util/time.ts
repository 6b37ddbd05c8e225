/** A day in milliseconds (a UTC day: what retention, restore windows and day buckets count in). */
export const DAY_MS = 86_400_000;
