/**
 * The interactive dashboard on a terminal: Ink renders the App into the alternate screen,
 * redrawing only what changed. Frames follow the store's snapshots (once a second, and soon
 * after events); the frame-rate cap only keeps a key press from waiting long behind a frame.
 */
import {render} from 'ink';
import {Component, useEffect, useState, type ReactNode} from 'react';
import {App, type ReplayControl, type SnapshotSource} from '../views/App.js';
import type {HostCommand} from '../store/fleet.js';
import {makeTheme, ThemeContext} from '../views/theme.js';
import type {Scheme} from '../views/scheme.js';
import {startUi, type UiState} from '../views/ui-state.js';
import {EXIT} from './args.js';
import {warn} from './io.js';
import {TerminalGuard} from './terminal.js';

export interface DashboardOptions {
	readonly color: boolean;
	readonly ascii: boolean;
	readonly bits: boolean;
	readonly bell?: boolean;
	readonly theme?: Scheme;
	readonly present?: boolean;
	/** `--focus NAME` */
	readonly focus?: string | null;
	/**
	 * NETWATCH_FAULT, to test the ways out: `view`, a view throws a second after its first frame;
	 * `timer`, a timer outside React throws a second after the dashboard starts.
	 */
	readonly fault?: 'view' | 'timer' | undefined;
	/** Ends the dashboard when it settles (the caller says why, once the terminal is back). */
	readonly end?: Promise<unknown>;
	/** Watching several engines: show another (the source is then a Fleet). */
	readonly hosts?: ((command: HostCommand) => void) | undefined;
}

export interface DashboardIo {
	readonly stdout: NodeJS.WriteStream;
	readonly stdin: NodeJS.ReadStream;
	readonly stderr: NodeJS.WriteStream;
}

/** A view that throws ends the dashboard with that error, instead of printing a stack on screen. */
class Crash extends Component<{onError: (error: Error) => void; children: ReactNode}, {failed: boolean}> {
	override state = {failed: false};

	static getDerivedStateFromError(): {failed: boolean} {
		return {failed: true};
	}

	override componentDidCatch(error: Error): void {
		this.props.onError(error);
	}

	override render(): ReactNode {
		return this.state.failed ? null : this.props.children;
	}
}

/** Throws once it has been on screen for a second: an uncaught error inside a view, on purpose. */
function Fault({children}: {children: ReactNode}) {
	const [armed, setArmed] = useState(false);
	useEffect(() => {
		const timer = setTimeout(() => setArmed(true), 1000);
		return () => clearTimeout(timer);
	}, []);
	if (armed) throw new Error('a fault injected by NETWATCH_FAULT=view');
	return children;
}

const SIGNALS = {SIGINT: 2, SIGTERM: 15, SIGHUP: 1} as const;

/** Run the dashboard until q, Ctrl-C or a signal; resolves with the exit status. */
export async function runInteractive(
	source: SnapshotSource,
	options: DashboardOptions,
	io: DashboardIo,
	replay?: ReplayControl,
	initialUi?: Partial<UiState>,
): Promise<number> {
	const guard = new TerminalGuard(io);
	guard.enter();
	let crash: Error | null = null;
	const theme = makeTheme({color: options.color, ascii: options.ascii, scheme: options.theme, present: options.present});
	const start = startUi({bits: options.bits, present: options.present ?? false, focus: options.focus ?? null});
	const app = <App source={source} bell={options.bell ?? false} replay={replay} hosts={options.hosts} initialUi={{...start, ...initialUi}} />;
	const instance = render(
		<ThemeContext.Provider value={theme}>
			<Crash onError={error => {
				crash = error;
				instance.unmount();
			}}>
				{options.fault === 'view' ? <Fault>{app}</Fault> : app}
			</Crash>
		</ThemeContext.Provider>,
		{stdout: io.stdout, stdin: io.stdin, stderr: io.stderr, exitOnCtrlC: false, patchConsole: false, maxFps: 60, incrementalRendering: true},
	);
	let signalled: number | null = null;
	const handlers = Object.entries(SIGNALS).map(([signal, number]) => {
		const handler = (): void => {
			signalled = 128 + number;
			instance.unmount();
		};
		process.on(signal, handler);
		return [signal, handler] as const;
	});
	void options.end?.then(() => instance.unmount());
	if (options.fault === 'timer') {
		setTimeout(() => {
			throw new Error('a fault injected by NETWATCH_FAULT=timer');
		}, 1000);
	}
	try {
		await instance.waitUntilExit();
	} catch (error) {
		crash ??= error instanceof Error ? error : new Error(String(error));
	} finally {
		for (const [signal, handler] of handlers) process.off(signal, handler);
		guard.restore();
	}
	if (crash) {
		warn(io.stderr, `the dashboard failed: ${(crash as Error).message}`);
		return EXIT.failure;
	}
	// a signal ends it the conventional way: 128 + the signal's number
	return signalled ?? EXIT.ok;
}
