// Placeholder entry point until the command line lands (see issue 2). Replaced by the real CLI.
const VERSION = '0.2.0';
if (process.argv.includes('--version')) process.stdout.write(`x2nestos ${VERSION}\n`);
