/** The bottom line: the keys that work in the focused pane. */
import {RowText} from '../RowText.js';
import type {Pane as PaneName} from '../ui-state.js';

export interface FooterProps {
	readonly focus: PaneName;
	readonly filtering: boolean;
	/** stdin is not a terminal (`ssh host netwatch` without -t): keys cannot be read. */
	readonly keysAvailable: boolean;
	readonly replay: boolean;
}

const PANE_KEYS: Record<PaneName, string> = {
	containers: 'j/k select · / filter · s sort',
	host: 'j/k scroll · l lo · d down · v veths',
	container: 'j/k scroll',
	events: 'j/k scroll · End newest',
};

export function footerText({focus, filtering, keysAvailable, replay}: FooterProps): string {
	if (!keysAvailable) return 'keys need a terminal on stdin: run ssh -t host netwatch · the screen still updates';
	if (filtering) return 'type a name · Enter keeps the filter · Esc clears it';
	const time = replay ? ' · space pause · ←/→ step' : ' · p pause';
	return `${PANE_KEYS[focus]} · Tab pane${time} · c conns · t topology · e events · b bits · a ack · ? help · q quit`;
}

export function Footer(props: FooterProps) {
	return <RowText row={[[footerText(props), 'dim']]} />;
}
