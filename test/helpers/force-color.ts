/**
 * Imported first by the Ink tests: chalk decides its colour level when it is loaded, and the test runner's
 * stdout is not a terminal, so without this every colour assertion would see plain text.
 */
process.env.FORCE_COLOR = '1';
export {};
