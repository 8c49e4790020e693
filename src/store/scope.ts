/**
 * What is watched: `--project NAME` (any of them: a Compose project or a Swarm stack) and
 * `--filter label=KEY[=VALUE]` (all of them, as `docker ps` reads its label filters). Judged on a container's labels, which Docker
 * also copies into each of its events, so an event of a container already gone is judged alike.
 */
export interface Scope {
	/** Compose projects; empty: any container. */
	readonly projects: readonly string[];
	/** Labels a container must all have; a null value: any value. */
	readonly labels: readonly {readonly key: string; readonly value: string | null}[];
}

export const EVERYTHING: Scope = {projects: [], labels: []};

const PROJECT_LABEL = 'com.docker.compose.project';
/** `docker stack deploy` puts it on the stack's services and their containers. */
const STACK_LABEL = 'com.docker.stack.namespace';

export function isEverything(scope: Scope): boolean {
	return scope.projects.length === 0 && scope.labels.length === 0;
}

export function inScope(scope: Scope, labels: Readonly<Record<string, string>>): boolean {
	if (scope.projects.length > 0 && !scope.projects.includes(labels[PROJECT_LABEL] ?? labels[STACK_LABEL] ?? '')) return false;
	return scope.labels.every(({key, value}) => (value === null ? key in labels : labels[key] === value));
}

/** `label=KEY` or `label=KEY=VALUE` -> the label it asks for; null for anything else. */
export function parseLabelFilter(text: string): Scope['labels'][number] | null {
	const m = /^label=([^=]+)(?:=(.*))?$/.exec(text);
	if (!m || m[1]!.trim() === '') return null;
	return {key: m[1]!, value: m[2] ?? null};
}
