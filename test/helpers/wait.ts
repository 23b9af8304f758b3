/**
 * The one deadline a wait in the tests has: the suite's own order of magnitude, never a few seconds. A
 * busy machine makes everything slower, and a wait that gives up early is a failure that says nothing
 * about the tool. Kill points and held requests are reached through the simulator's hooks, not by time.
 */
export const SUITE_WAIT_MS = 15 * 60_000;
