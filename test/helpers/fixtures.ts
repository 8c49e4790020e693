/** Captured fixtures: real output from this project's test machines (see test/fixtures/README.md). */
import {readFileSync} from 'node:fs';

const root = new URL('../fixtures/', import.meta.url);

export function fixture(path: string): string {
	return readFileSync(new URL(path, root), 'utf8');
}

export function fixtureBytes(path: string): Buffer {
	return readFileSync(new URL(path, root));
}

export function fixtureJson<T = unknown>(path: string): T {
	return JSON.parse(fixture(path)) as T;
}

/** A corpus: one JSON object per line. */
export function corpus<T>(path: string): T[] {
	return fixture(path)
		.split('\n')
		.filter(line => line.trim() !== '')
		.map(line => JSON.parse(line) as T);
}
