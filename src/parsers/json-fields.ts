/**
 * Reading fields of Docker's JSON payloads: a field of the wrong type, or missing, reads as
 * empty, so that a payload from another Engine version degrades instead of throwing.
 */
export type Json = Record<string, unknown>;

export const obj = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
export const str = (value: unknown): string => (typeof value === 'string' ? value : '');
export const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
export const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Go's zero time, which Docker writes for "never". */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** An RFC 3339 time as given, or null for none (empty, or Go's zero time). */
export function time(value: unknown): string | null {
	const t = str(value);
	return t === '' || t === ZERO_TIME ? null : t;
}

/** A string-to-string map (labels), with anything else left out. */
export function labelsOf(value: unknown): Record<string, string> {
	const labels: Record<string, string> = {};
	for (const [k, v] of Object.entries(obj(value))) if (typeof v === 'string') labels[k] = v;
	return labels;
}
