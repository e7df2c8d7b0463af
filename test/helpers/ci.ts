/** Shared by databases.ts and global-setup.ts (which must not load databases.ts: it refuses CI without PostgreSQL). */
export const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false';

/** Where test files report the databases they make (a folder set by global-setup.ts). */
export const MARKERS = 'LEDGER_TEST_MARKERS';
