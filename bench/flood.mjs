// A flood of Docker events, from a process of its own so that whoever watches the screen (the
// benchmark, a test) does not share its event loop with it: pause and unpause each container
// given, as fast as the daemon takes it, until SIGTERM or SIGINT. Then every loop ends its
// pair (the container is left running, never paused) and the process exits: a container
// removed while a pause is under way can leave Docker 20.10 stuck on it.
// Usage: node bench/flood.mjs ID...
import {request} from 'node:http';

const call = path =>
	new Promise(resolve => {
		const req = request({socketPath: '/var/run/docker.sock', method: 'POST', path}, res => {
			res.resume();
			res.on('end', resolve);
		});
		// a refused call (the daemon under load) makes no event; the next one tries again
		req.on('error', resolve);
		req.end();
	});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => (stopping = true));

await Promise.all(
	process.argv.slice(2).map(async id => {
		while (!stopping) {
			await call(`/containers/${id}/pause`);
			await call(`/containers/${id}/unpause`);
		}
	}),
);
