/** The key reference, in place of the panes while `?` is on. */
import {RowText} from '../RowText.js';
import {Pane} from './Pane.js';

const KEYS: readonly (readonly [string, string])[] = [
	['↑/↓  j/k', 'select a container, or scroll the focused pane'],
	['PgUp/PgDn  Ctrl-B/F', 'a page up or down'],
	['Home/End  g/G', 'first or last'],
	['Tab  Shift-Tab', 'next or previous pane'],
	['/', 'filter by container, project or service name (Enter keeps it, Esc clears it)'],
	['-  +  Enter', 'fold, unfold or switch the selected Compose group (- in a group folds it)'],
	['s', 'sort by name, RX, TX, state'],
	['p', 'pause the display (collection goes on)'],
	['e', 'show or hide the events'],
	['b', 'bytes or bits per second'],
	['l  d  v', 'host pane: hide lo, hide down interfaces, collapse the veths'],
	['c', 'host and container panes: connections instead of interfaces'],
	['t', 'topology: every connection between containers, host and outside (/ filters it)'],
	['w', 'swarm: services, their tasks and errors, and the nodes, on a swarm manager (/ filters it)'],
	['[  ]  1-9', 'several engines (-H or -c given again): the previous, the next, or that one'],
	['a', 'acknowledge the first alert'],
	['space  ←/→', 'replay: pause, step back or forward in time'],
	['?  Esc', 'this help, and back'],
	['q  Ctrl-C', 'quit'],
];

export function Help({width, height}: {readonly width: number; readonly height: number}) {
	return (
		<Pane width={width} height={height} title="Keys (? or Esc to go back)">
			{KEYS.map(([key, what]) => (
				<RowText key={key} row={[[key.padEnd(24), 'accent'], [what, 'plain']]} />
			))}
			<RowText row={[['', 'plain']]} />
			<RowText row={[['Host pane: the host network namespace. Container pane: the selected container, seen from inside', 'dim']]} />
			<RowText row={[['its own namespace; a host-mode container has none of its own, so it shows the host\'s interfaces.', 'dim']]} />
		</Pane>
	);
}
