import {NetFiles} from '../../src/collectors/procfs.js';

/** A namespace's files that keep the name of each one read whole, in order: what a collector looked at. */
export class CountingNetFiles extends NetFiles {
	readonly reads: string[] = [];

	override read(name: string): string | null {
		this.reads.push(name);
		return super.read(name);
	}
}
