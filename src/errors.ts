// One error type for the whole pipeline, shaped like execa's: what failed, where, the command, its stderr.

/**
 * The pipeline's stages, one vocabulary for errors, step timings and progress: each names its folder
 * under src/ (build: src/backend/, teardown: src/system/teardown-stack.ts).
 */
export type Stage =
  | 'cli'
  | 'scenario'
  | 'candidates'
  | 'plan'
  | 'preflight'
  | 'build'
  | 'rulesets'
  | 'services'
  | 'capture'
  | 'traffic'
  | 'steps'
  | 'kernel-state'
  | 'decode'
  | 'analyse'
  | 'check'
  | 'teardown'
  | 'vm';

export type ErrorCode =
  | 'BAD_INPUT'
  | 'UNKNOWN_SCENARIO'
  | 'INVALID_SCENARIO'
  | 'NEEDS_ROOT'
  | 'MISSING_TOOL'
  | 'COMMAND_FAILED'
  | 'TIMEOUT'
  | 'INVALID_PCAP'
  | 'INTERRUPTED';

export interface NatlabErrorOptions {
  code: ErrorCode;
  stage: Stage;
  node?: string;
  command?: readonly string[];
  stderr?: string;
  /** The tail of a virtual machine's console. */
  console?: string;
  cause?: unknown;
}

export class NatlabError extends Error {
  override readonly name = 'NatlabError';
  readonly code: ErrorCode;
  readonly stage: Stage;
  readonly node?: string;
  readonly command?: readonly string[];
  readonly stderr?: string;
  /** The message without command and stderr, for one-line summaries. */
  readonly shortMessage: string;

  constructor(shortMessage: string, options: NatlabErrorOptions) {
    const details: string[] = [];
    if (options.command) details.push(`command: ${options.command.join(' ')}`);
    if (options.stderr?.trim()) details.push(`stderr: ${options.stderr.trim()}`);
    if (options.console?.trim())
      details.push(`guest console, last lines:\n${options.console.trimEnd()}`);
    super([shortMessage, ...details].join('\n'), { cause: options.cause });
    this.shortMessage = shortMessage;
    this.code = options.code;
    this.stage = options.stage;
    this.node = options.node;
    this.command = options.command;
    this.stderr = options.stderr;
  }
}
