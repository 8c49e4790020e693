/** The name-lookup matcher against the corpus of real lines in test/fixtures/name-errors. */
import {describe, expect, it} from 'vitest';
import {findNameFailure, matchNameFailure} from '../../src/parsers/name-errors.js';
import {corpus} from '../helpers/fixtures.js';

interface Positive {
	readonly program: string;
	readonly name: string | null;
	readonly lines: readonly string[];
}

const positives = corpus<Positive>('name-errors/positives.jsonl');
const negatives = corpus<{readonly program: string; readonly lines: readonly string[]}>('name-errors/negatives.jsonl');

describe('the corpus', () => {
	it('precision: no healthy line is a failed lookup, and no failure names the wrong host', () => {
		expect(negatives.filter(n => findNameFailure(n.lines) !== null).map(n => n.program)).toEqual([]);
		const wrong = positives.map(p => ({p, found: findNameFailure(p.lines)})).filter(({p, found}) => found !== null && found.name !== null && found.name !== p.name);
		expect(wrong.map(({p, found}) => `${p.program}: ${found!.name}`)).toEqual([]);
	});

	it('recall: every failure is found, and the host named wherever the lines name it', () => {
		const missed = positives.filter(p => findNameFailure(p.lines)?.name !== p.name).map(p => `${p.program}: ${JSON.stringify(p.lines.at(-1))}`);
		expect(missed).toEqual([]);
	});
});

describe('matchNameFailure', () => {
	it('drops a port and a trailing dot, and lower-cases the name', () => {
		expect(matchNameFailure("wget: bad address 'Web1:8080'")).toMatchObject({name: 'web1', rule: 'busybox'});
		expect(matchNameFailure('curl: (6) Could not resolve host: db.')).toMatchObject({name: 'db'});
	});

	it.each(['Resolving localhost (localhost)... 127.0.0.1', 'lookup web1 succeeded: 172.18.0.2', 'the address of web1 is unknown to me'])('is not fooled by %s', line => {
		expect(matchNameFailure(line)).toBeNull();
	});
});
