/**
 * /proc/<pid>/cgroup -> the id of the container the process runs in.
 *
 *   cgroup v1, cgroupfs driver:   4:memory:/docker/<64 hex>
 *   cgroup v2 (or the v2 line):   0::/docker/<64 hex>
 *   systemd driver (v1 or v2):    0::/system.slice/docker-<64 hex>.scope
 *   rootless:                     0::/user.slice/user-1000.slice/user@1000.service/.../docker-<id>.scope
 *   Kubernetes:                   .../kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope
 *                                 .../kubepods/burstable/pod<uid>/<id>
 *   CRI-O / Podman:               crio-<id>.scope / libpod-<id>.scope
 *
 * The id is the last 64-hex path segment, bare or inside `<runtime>-<id>.scope`.
 */

const ID_IN_SEGMENT = /^(?:[a-z][a-z0-9-]*-)?([0-9a-f]{64})(?:\.scope)?$/;

export function containerIdFromCgroup(text: string): string | null {
	for (const line of text.split('\n')) {
		// hierarchy-id:controllers:path, where the path may itself contain ':'
		const second = line.indexOf(':', line.indexOf(':') + 1);
		if (second < 0) continue;
		const segments = line.slice(second + 1).split('/');
		for (let i = segments.length - 1; i >= 0; i--) {
			const match = ID_IN_SEGMENT.exec(segments[i]!);
			if (match) return match[1]!;
		}
	}
	return null;
}
