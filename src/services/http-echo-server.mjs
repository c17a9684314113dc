// @ts-check
// HTTP service run inside a node: answers every request with the client address it saw, as JSON.
// Plain JavaScript so it starts in plain node, without a TypeScript loader, in a few tens of ms.

import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { port: { type: 'string' }, node: { type: 'string' }, run: { type: 'string' } },
});
const port = Number(values.port);

const server = createServer((request, response) => {
  const seen = {
    node: values.node,
    clientAddress: request.socket.remoteAddress?.replace(/^::ffff:/, ''),
    clientPort: request.socket.remotePort,
    localAddress: request.socket.localAddress?.replace(/^::ffff:/, ''),
    localPort: request.socket.localPort,
  };
  process.stdout.write(`request ${JSON.stringify(seen)}\n`);
  response.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
  response.end(`${JSON.stringify(seen)}\n`);
});

// In a --keep lab natlab exits and closes our stdout; the log is then lost, the service is not.
process.stdout.on('error', () => {});

server.listen({ port, host: '::' }, () => process.stdout.write(`ready on port ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
