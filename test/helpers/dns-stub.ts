/**
 * A resolver that knows no names: every query gets NXDOMAIN. It stands in for the upstream
 * resolver that a container asks (the host's, on the default bridge; the one Docker's embedded
 * DNS forwards to, elsewhere), so that the lookups of the name tests fail as they do there
 * without a query leaving this machine. It listens on the default bridge's gateway, where
 * containers reach the host, on a port above 8000.
 */
import {createSocket, type Socket} from 'node:dgram';
import {docker, sh} from './docker.js';

export interface DnsStub {
	/** `172.17.0.1:8053`, as busybox nslookup takes a server. */
	readonly server: string;
	/** Queries answered so far. */
	readonly answered: number;
	close(): Promise<void>;
}

/** NXDOMAIN for a query: its id and question back, with QR, RD, RA and RCODE 3 set. */
function nxdomain(query: Buffer): Buffer | null {
	if (query.length < 12) return null;
	const reply = Buffer.from(query);
	reply[2] = 0x80 | (query[2]! & 0x01); // QR, opcode 0, RD copied
	reply[3] = 0x80 | 0x03; // RA, RCODE NXDOMAIN
	reply.writeUInt16BE(0, 6); // no answers
	reply.writeUInt16BE(0, 8);
	reply.writeUInt16BE(0, 10);
	return reply;
}

export async function startDnsStub(port: number): Promise<DnsStub> {
	// the default bridge's own address on the host: its gateway, where IPAM says it, else its
	// device's (from ip: Node lists only interfaces that are up with a carrier, and docker0 has none
	// while no container is attached to it)
	const said = (await docker('network', 'inspect', 'bridge', '-f', '{{range .IPAM.Config}}{{.Gateway}}{{end}}')).trim();
	const device = (await docker('network', 'inspect', 'bridge', '-f', '{{index .Options "com.docker.network.bridge.name"}}')).trim() || 'docker0';
	const addresses = JSON.parse(await sh('ip', ['-j', '-4', 'addr', 'show', 'dev', device])) as {addr_info?: {local?: string}[]}[];
	const gateway = said || addresses[0]?.addr_info?.[0]?.local;
	if (!gateway) throw new Error(`the default bridge ${device} has no IPv4 address`);
	const socket: Socket = createSocket('udp4');
	let answered = 0;
	socket.on('message', (query, peer) => {
		const reply = nxdomain(query);
		if (!reply) return;
		answered++;
		socket.send(reply, peer.port, peer.address);
	});
	await new Promise<void>((resolve, reject) => {
		socket.once('error', reject);
		socket.bind(port, gateway, () => resolve());
	});
	return {
		server: `${gateway}:${port}`,
		get answered() {
			return answered;
		},
		close: () => new Promise(resolve => socket.close(() => resolve())),
	};
}
