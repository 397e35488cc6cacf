// Runs inside one host's network namespace (`ip netns exec <ns> node netns-forwarder.mjs <socket> <port>`):
// a UNIX socket, which any namespace can reach through the file system, in front of that namespace's
// 127.0.0.1:<port>. The test talks to each host through it, so no route is added to the root namespace.
import net from 'node:net';

const [socketPath, port] = process.argv.slice(2);
if (!socketPath || !port) {
  process.stderr.write('usage: netns-forwarder.mjs <socket path> <port>\n');
  process.exit(2);
}

const server = net.createServer((client) => {
  const upstream = net.connect(Number(port), '127.0.0.1');
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
  client.pipe(upstream).pipe(client);
});
server.listen(socketPath, () => process.stdout.write(`forwarding ${socketPath} to 127.0.0.1:${port}\n`));
