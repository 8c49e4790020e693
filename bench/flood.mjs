// A flood of Docker events, from a process of its own so that whoever watches the screen (the
// benchmark, a test) does not share its event loop with it: rename each container given, back
// and forth, as fast as the daemon takes it, until SIGTERM or SIGINT. Then each container gets
// its own name back and the process exits.
//
// Renames, not pauses: a rename is the daemon's work alone, so the flood loads netwatch with
// events and leaves the machine's scheduler to the load a test adds on purpose. Pausing and
// unpausing 8 containers made 44 events a second and kept both cores busy in runc and the
// kernel's freezer (51% system time): `cat` in a pseudo-terminal then took up to 182 ms to echo
// a key. Renames make about 280 events a second (each one re-inspected), and `cat` echoes
// within 21 ms under the same flood with both cores loaded by `yes`.
// Usage: node bench/flood.mjs ID...
import {request} from 'node:http';

const call = (method, path) =>
	new Promise(resolve => {
		const req = request({socketPath: '/var/run/docker.sock', method, path}, res => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', chunk => (body += chunk));
			res.on('end', () => resolve(res.statusCode === 200 ? body : null));
		});
		// a refused call (the daemon under load) makes no event; the next one tries again
		req.on('error', () => resolve(null));
		req.end();
	});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => (stopping = true));

await Promise.all(
	process.argv.slice(2).map(async id => {
		const inspected = await call('GET', `/containers/${id}/json`);
		if (inspected === null) return;
		const name = JSON.parse(inspected).Name.replace(/^\//, '');
		const rename = to => call('POST', `/containers/${id}/rename?name=${encodeURIComponent(to)}`);
		while (!stopping) {
			await rename(`${name}-renamed`);
			await rename(name);
		}
		// a rename refused on the way out would leave the other name
		await rename(name);
	}),
);
