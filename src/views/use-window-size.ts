/**
 * The terminal's size, from the stdout Ink renders to (so tests can drive it), updated on
 * `resize`. Ink 6 has no such hook.
 */
import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export interface WindowSize {
	readonly columns: number;
	readonly rows: number;
}

export function useWindowSize(): WindowSize {
	const {stdout} = useStdout();
	const read = (): WindowSize => ({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		const onResize = (): void => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [stdout]);
	return size;
}
