/** A problem with what the user asked for, reported as one line (what happened, what to do) with exit code 1. */
export class UserFacingError extends Error {}
