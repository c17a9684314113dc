#!/usr/bin/env node
// The `natlab` command: one subcommand per npm script. Each loads its module only when called, so
// --help and decode start without the lab pipeline.

import { endWithParent } from './end-with-parent.ts';
import { type Io, ignoreClosedStdout } from './exit.ts';
import { exitWhenInterruptStalls } from './interrupts.ts';

const HELP = `usage: natlab <command> [arguments]

  run NAME|DIR|FILE...   run scenarios and check them, --jobs N at once (natlab run --help)
  audit CONFIG           test every port forward of a router config from every side (natlab audit --help)
  list                   list the scenarios, with --scenarios DIR those of your own suite
  doctor [--json]        test which kernel and userland features this machine has
  decode [--flows] FILE  print every frame of a pcap as natlab decodes it, then its flows
  clean                  remove the labs of runs that crashed, were killed or ran with --keep
  compare [NAME...]      run the hairpin family and compare them in one table
  setup [--vm-tools]     install the Debian packages natlab drives (as root; apt-get)

Exit codes: 0 pass, 1 a check failed, 2 bad input or harness error, 4 skipped, 130 interrupted.
`;

type Command = (args: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: async (args, io) => (await import('./main.ts')).main(args, io),
  audit: async (args, io) => (await import('./audit-command.ts')).auditCommand(args, io),
  list: async (args, io) => (await import('./main.ts')).main(['--list', ...args], io),
  doctor: async (args, io) => (await import('./main.ts')).main(['--doctor', ...args], io),
  decode: async (args, io) => {
    const { decodeMain, exitQuietlyOnEpipe } = await import('./decode-command.ts');
    exitQuietlyOnEpipe();
    return decodeMain(args, io);
  },
  clean: async (_args, io) => (await import('./clean-command.ts')).cleanCommand(io),
  compare: async (args, io) => (await import('./compare-command.ts')).compare(args, io),
  setup: async (args, io) => (await import('./setup-command.ts')).setupCommand(args, io),
};

export async function natlab(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`natlab: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  return command(args, io);
}

// Paths on the command line are the user's, from where natlab was started, also under a user's
// npm script (whose INIT_CWD is where npm was started, not the package root the script runs in).
process.env.INIT_CWD = process.cwd();
exitWhenInterruptStalls();
endWithParent();
ignoreClosedStdout();
process.exitCode = await natlab(process.argv.slice(2), process);
