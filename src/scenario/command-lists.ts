// Rulesets written as command lists ("ebtables -t broute -A ...", "iptables -t nat -A ..."), one per
// line. Each line becomes an argv array; there is no shell, so quoting is refused rather than guessed.

import type { RulesetFormat } from './define-scenario.ts';

export type CommandTool = 'ebtables' | 'iptables' | 'ip6tables';

const COMMAND_LIST_TOOLS: Partial<Record<RulesetFormat, CommandTool>> = {
  ebtables: 'ebtables',
  'iptables-commands': 'iptables',
  'ip6tables-commands': 'ip6tables',
};

/** The tool every line of a command-list format starts with; none for the other formats. */
export function commandListTool(format: RulesetFormat): CommandTool | undefined {
  return COMMAND_LIST_TOOLS[format];
}

/** The iptables tools (iptables, ip6tables) a node's formats load with: each has its own tables and counters. */
export function iptablesTools(formats: ReadonlySet<RulesetFormat>): ('iptables' | 'ip6tables')[] {
  return (['iptables', 'ip6tables'] as const).filter(
    (tool) => formats.has(tool) || formats.has(`${tool}-commands`),
  );
}

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
