#!/usr/bin/env python3
"""The bench's scene for connections: in each given network namespace (by a pid in it) a
listener on 0.0.0.0:PORT, then CONNECTIONS connections from the host's namespace spread over
them, all accepted, all held until stdin closes. One process: a socket stays in the namespace
it was made in after setns() goes back. Prints `ready` when every connection is established."""
import ctypes, os, resource, socket, sys

port, connections, pids = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000

def setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f'setns {path}')
    finally:
        os.close(fd)

home = f'/proc/self/fd/{os.open("/proc/self/ns/net", os.O_RDONLY)}'
held, servers = [], []
for pid in pids:
    setns(f'/proc/{pid}/ns/net')
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', port))
    s.listen(4096)
    servers.append(s)
setns(home)
addresses = [a for a in sys.stdin.readline().split()]
for i in range(connections):
    c = socket.create_connection((addresses[i % len(addresses)], port))
    held.append(c)
    if i % 200 == 199 or i == connections - 1:
        for s in servers:
            s.setblocking(False)
            try:
                while True:
                    held.append(s.accept()[0])
            except BlockingIOError:
                pass
print('ready', flush=True)
sys.stdin.read()
