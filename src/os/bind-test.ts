// Can we listen on a port the way the engine will (all interfaces)? Catches any listener, HTTP or not.
import net from 'node:net';

export type BindResult = 'free' | 'in-use' | 'no-permission' | 'error';

export function tryBind(port: number, host = '0.0.0.0'): Promise<BindResult> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'EADDRINUSE' ? 'in-use' : error.code === 'EACCES' ? 'no-permission' : 'error');
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve('free')));
  });
}
