import {describe, expect, it} from 'vitest';
import {containerIdFromCgroup} from '../../src/parsers/cgroup.js';
import {fixture} from '../helpers/fixtures.js';

const ID = '3d68359ed4f49094483f9eb000cc4590519fc50263d6f407908eee5a014de43c';

describe('containerIdFromCgroup', () => {
	it('reads cgroup v1 with the cgroupfs driver (captured from a container here)', () => {
		expect(containerIdFromCgroup(fixture('proc/cgroup-v1-cgroupfs.txt'))).toBe(ID);
	});

	it('reads the cgroup v2 line alone', () => {
		const v2 = fixture('proc/cgroup-v1-cgroupfs.txt').split('\n').find(l => l.startsWith('0::'))!;
		expect(v2).toBe(`0::/docker/${ID}`);
		expect(containerIdFromCgroup(v2)).toBe(ID);
	});

	// the formats of other setups, as documented in ../shared/design/docker-and-linux.md §3.5
	it.each([
		['systemd driver', `0::/system.slice/docker-${ID}.scope`],
		['systemd driver, v1', `12:pids:/system.slice/docker-${ID}.scope`],
		['rootless', `0::/user.slice/user-1000.slice/user@1000.service/app.slice/docker.service/docker-${ID}.scope`],
		['kubernetes containerd', `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/cri-containerd-${ID}.scope`],
		['kubernetes cgroupfs', `0::/kubepods/burstable/pod1234/${ID}`],
		['cri-o', `0::/kubepods.slice/crio-${ID}.scope`],
		['podman', `0::/machine.slice/libpod-${ID}.scope`],
		['named hierarchy', `1:name=systemd:/docker/${ID}`],
	])('reads %s', (_, line) => {
		expect(containerIdFromCgroup(line)).toBe(ID);
	});

	it('finds nothing for host processes', () => {
		expect(containerIdFromCgroup('0::/\n4:memory:/process_api/437f7943fcf236ef6b15fc8e88d0917d\n')).toBeNull();
		expect(containerIdFromCgroup('0::/system.slice/docker.service\n')).toBeNull();
		expect(containerIdFromCgroup('0::/init.scope\n')).toBeNull();
	});
});
