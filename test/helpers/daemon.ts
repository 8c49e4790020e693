/** Stop and start the real dockerd, for the tests that must survive a daemon restart. */
import {fileURLToPath} from 'node:url';
import {sh} from './docker.js';

const ENGINE = fileURLToPath(new URL('../../scripts/docker-engine', import.meta.url));

export async function stopDaemon(): Promise<void> {
	await sh(ENGINE, ['stop'], 60_000);
}

export async function startDaemon(): Promise<void> {
	await sh(ENGINE, ['start'], 60_000);
}
