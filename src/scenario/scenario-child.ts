// The child process of import-in-child.ts: imports each file named in argv and sends its default
// export back as JSON, or why it could not. Node built-ins only, so it runs as .ts or as compiled .js.

import { type ChildMessage, loadAsData } from './scenario-data.ts';

// The channel must not keep this process up: a top-level await that never settles then ends it at
// once (exit code 13) instead of at the parent's deadline.
process.channel?.unref();
for (const file of process.argv.slice(2)) await send(await loadAsData(file));
process.disconnect?.();

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) throw new Error('scenario-child runs only as a child with an IPC channel');
    process.send(JSON.stringify(message), (error: Error | null) =>
      error ? reject(error) : resolve(),
    );
  });
}
