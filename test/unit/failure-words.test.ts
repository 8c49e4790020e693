/** The first look lets through every line that the matchers recognise, in both corpora. */
import {describe, expect, it} from 'vitest';
import {matchBindFailure} from '../../src/parsers/bind-errors.js';
import {mayReport} from '../../src/parsers/failure-words.js';
import {matchNameFailure} from '../../src/parsers/name-errors.js';
import {corpus} from '../helpers/fixtures.js';

const lines = (path: string): string[] => corpus<{lines: string[]}>(path).flatMap(e => e.lines);

describe('mayReport', () => {
	it('lets through every line that either matcher recognises', () => {
		const all = [...lines('bind-errors/positives.jsonl'), ...lines('bind-errors/negatives.jsonl'), ...lines('name-errors/positives.jsonl'), ...lines('name-errors/negatives.jsonl')];
		const recognised = all.filter(l => matchBindFailure(l) !== null || matchNameFailure(l) !== null);
		expect(recognised.length).toBeGreaterThan(150);
		expect(recognised.filter(l => !mayReport(l))).toEqual([]);
	});

	it('turns away the lines of an ordinary access log', () => {
		expect(mayReport('172.17.0.1 - - [02/Dec/2026:15:04:28 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/7.88.1"')).toBe(false);
	});
});
