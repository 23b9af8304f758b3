#!/usr/bin/env node
// Entry point. Two things must happen before any module that loads chalk (through Ink) is imported:
// chalk reads the colour level once at import and ignores NO_COLOR, so NO_COLOR becomes FORCE_COLOR=0;
// and the TypeScript sources are loaded through tsx.
if (process.env.NO_COLOR && !process.env.FORCE_COLOR) process.env.FORCE_COLOR = '0';

const {register} = await import('tsx/esm/api');
register();
const {main} = await import('../source/cli.tsx');
process.exitCode = await main(process.argv.slice(2));
