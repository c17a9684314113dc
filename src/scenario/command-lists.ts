// Rulesets written as command lists ("ebtables -t broute -A ...", "iptables -t nat -A ..."), one per
// line. Each line becomes an argv array; there is no shell, so quoting is refused rather than guessed.

export type CommandTool = 'ebtables' | 'iptables';

export interface CommandList {
  commands: string[][];
  /** The tables the commands touch, for the kernel dump. */
  tables: string[];
  problems: string[];
}

export function parseCommandList(text: string, tool: CommandTool): CommandList {
  const commands: string[][] = [];
  const problems: string[] = [];
  const tables = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const argv = line.split(/\s+/);
    if (argv[0] !== tool) {
      problems.push(`${tool} line ${index + 1} must start with "${tool}": ${line}`);
    } else if (/["'`$\\;|&<>]/.test(line)) {
      problems.push(
        `${tool} line ${index + 1} holds quoting or shell syntax, which is not run: ${line}`,
      );
    } else {
      const t = argv.indexOf('-t');
      tables.add(t >= 0 ? (argv[t + 1] ?? 'filter') : 'filter');
      commands.push(argv);
    }
  });
  if (commands.length === 0 && problems.length === 0)
    problems.push(`${tool} ruleset has no command`);
  return { commands, tables: [...tables], problems };
}
