// A lab run's commands start through one helper process (spawner.py), not by node forking: a fork
// blocks node's one thread until the child has exec'd, 2-3 ms each on a quiet machine and far more
// on a loaded one, and a run starts some forty. run-command.ts and start-process.ts use it while a
// run holds it (useSpawner), and spawn for themselves otherwise.

import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { PYTHON } from './python.ts';

const SCRIPT = fileURLToPath(new URL('./spawner.py', import.meta.url));

export interface SpawnedExit {
  exitCode?: number;
  signal?: string;
  /** It never started: errno name ("ENOENT") and text. */
  error?: { errno: string; message: string };
}

/** One command the spawner started: its output as 'stdout' and 'stderr' events of text. */
export interface Spawned extends EventEmitter<{ stdout: [string]; stderr: [string] }> {
  readonly argv: readonly string[];
  /** Its pid once started; undefined when it could not start. */
  readonly started: Promise<number | undefined>;
  readonly exited: Promise<SpawnedExit>;
  write(text: string): void;
  end(): void;
  kill(signal: NodeJS.Signals): void;
}

interface Message {
  id: number;
  event: 'started' | 'stdout' | 'stderr' | 'exit' | 'error';
  pid?: number;
  data?: string;
  code?: number | null;
  signal?: string | null;
  errno?: string;
  message?: string;
}

class SpawnedCommand extends EventEmitter<{ stdout: [string]; stderr: [string] }> {
  readonly started: Promise<number | undefined>;
  readonly exited: Promise<SpawnedExit>;
  onStarted: (pid: number | undefined) => void = () => undefined;
  onExit: (exit: SpawnedExit) => void = () => undefined;

  constructor(
    private readonly id: number,
    private readonly helper: Helper,
    readonly argv: readonly string[],
  ) {
    super();
    this.started = new Promise((resolve) => {
      this.onStarted = resolve;
    });
    this.exited = new Promise((resolve) => {
      this.onExit = resolve;
    });
  }

  write(text: string): void {
    this.helper.send({ op: 'write', id: this.id, data: text });
  }

  end(): void {
    this.helper.send({ op: 'close', id: this.id });
  }

  kill(signal: NodeJS.Signals): void {
    this.helper.send({ op: 'kill', id: this.id, signal });
  }
}

class Helper {
  private readonly child: ChildProcess;
  private readonly running = new Map<number, SpawnedCommand>();
  private next = 1;
  /** Set when the helper itself ended: every command still waiting is failed with it. */
  private gone: string | undefined;

  constructor() {
    // Its own session: a terminal's Ctrl-C reaches natlab, which stops the run's processes itself,
    // by pid, in order; the spawner must live on to start the teardown's commands.
    this.child = spawn(PYTHON, ['-I', '-S', SCRIPT], {
      stdio: ['pipe', 'pipe', 'inherit'],
      detached: true,
    });
    this.child.on('error', (error) => this.fail(`the spawner could not start: ${error.message}`));
    this.child.on('exit', (code, signal) =>
      this.fail(`the spawner ended (${signal ?? `exit code ${code}`})`),
    );
    this.child.stdin?.on('error', () => undefined);
    const lines = createInterface({ input: this.child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      let message: Message;
      try {
        message = JSON.parse(line) as Message;
      } catch {
        this.fail(`the spawner printed what is not its protocol: ${line.slice(0, 200)}`);
        return;
      }
      this.receive(message);
    });
    this.idle();
  }

  spawn(argv: readonly string[], { stdin, cwd }: { stdin: boolean; cwd?: string }): Spawned {
    const id = this.next++;
    const command = new SpawnedCommand(id, this, argv);
    if (this.gone) {
      command.onStarted(undefined);
      command.onExit({ error: { errno: 'ESPAWNER', message: this.gone } });
      return command;
    }
    this.running.set(id, command);
    this.busy();
    this.send({ op: 'spawn', id, argv, path: process.env.PATH ?? '', cwd, stdin });
    return command;
  }

  send(request: object): void {
    if (!this.gone) this.child.stdin?.write(`${JSON.stringify(request)}\n`);
  }

  /** Ends the helper: closing its stdin makes it kill whatever is still running, then exit. */
  close(): void {
    this.child.stdin?.end();
  }

  private receive(message: Message): void {
    const command = this.running.get(message.id);
    if (!command) return;
    if (message.event === 'started') command.onStarted(message.pid);
    else if (message.event === 'stdout' || message.event === 'stderr')
      command.emit(message.event, message.data ?? '');
    else {
      this.running.delete(message.id);
      if (this.running.size === 0) this.idle();
      command.onStarted(undefined);
      command.onExit(
        message.event === 'error'
          ? { error: { errno: message.errno ?? 'E?', message: message.message ?? '' } }
          : {
              ...(message.code === null || message.code === undefined
                ? {}
                : { exitCode: message.code }),
              ...(message.signal ? { signal: message.signal } : {}),
            },
      );
    }
  }

  private fail(why: string): void {
    this.gone ??= why;
    for (const command of this.running.values()) {
      command.onStarted(undefined);
      command.onExit({ error: { errno: 'ESPAWNER', message: why } });
    }
    this.running.clear();
    if (current?.helper === this) current = undefined;
  }

  // While nothing runs, the helper must not keep natlab alive.
  private idle(): void {
    this.child.unref();
    (this.child.stdout as { unref?: () => void } | null)?.unref?.();
    (this.child.stdin as { unref?: () => void } | null)?.unref?.();
  }

  private busy(): void {
    this.child.ref();
    (this.child.stdout as { ref?: () => void } | null)?.ref?.();
    (this.child.stdin as { ref?: () => void } | null)?.ref?.();
  }
}

let current: { helper: Helper; users: number } | undefined;

/**
 * Holds the spawner for a run (started on first use, shared by runs at once) until the returned
 * function is called; the last to let go ends it.
 */
export function useSpawner(): () => void {
  current ??= { helper: new Helper(), users: 0 };
  const held = current;
  held.users++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.users--;
    if (held.users === 0) {
      held.helper.close();
      if (current === held) current = undefined;
    }
  };
}

/** The spawner a run holds, if any. */
export function heldSpawner(): { spawn: Helper['spawn'] } | undefined {
  return current?.helper;
}
