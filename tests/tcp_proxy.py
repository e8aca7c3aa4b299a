"""A TCP forwarder on loopback that a test can cut, hang and restore: a database that goes away.

    with TcpProxy(("127.0.0.1", 5432)) as proxy:   # the app connects to 127.0.0.1:proxy.port
        proxy.cut()      # like a stopped database: open connections dropped, new ones reset
        proxy.hang()     # like a hung one: open connections dropped, new ones never answered
        proxy.stall()    # like a frozen one: open connections kept but silent, new ones too
        proxy.restore()  # forwarding again

The port stays the proxy's throughout (it keeps listening; a cut resets what it accepts), so
nothing else can take it while "the database" is down. Loopback only, threads only; every
socket is closed when the proxy is.
"""

import selectors
import socket
import struct
import threading

FORWARD, DOWN, HANG, STALL = "forward", "down", "hang", "stall"
CHUNK = 65536


class TcpProxy:
    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.mode = FORWARD
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._stopped = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, name="tcp-proxy", daemon=True)
        self._thread.start()

    def __enter__(self) -> "TcpProxy":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def cut(self) -> None:
        """Drop the open connections and reset new ones, as a stopped database does."""
        self._switch(DOWN)

    def hang(self) -> None:
        """Drop the open connections and accept new ones without ever answering."""
        self._switch(HANG)

    def stall(self) -> None:
        """Stop forwarding without closing anything: the peers wait for bytes that never come."""
        with self._lock:
            self.mode = STALL

    def restore(self) -> None:
        """Forward again (a connection left hanging is dropped: it would never recover)."""
        self._switch(FORWARD)

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self._listener.close()
        self._switch(DOWN)

    def _switch(self, mode: str) -> None:
        with self._lock:
            self.mode = mode
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                mode = self.mode
                if mode != DOWN:
                    self._sockets.add(client)
            if mode == DOWN:
                _reset(client)
            elif mode == FORWARD:
                threading.Thread(target=self._forward, args=(client,), daemon=True).start()
            # HANG and STALL: the socket stays open and silent until the next switch or close.

    def _forward(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            _close(client)
            return
        with self._lock:
            if client not in self._sockets:  # switched meanwhile
                _close(server)
                return
            self._sockets.add(server)
        peers = {client: server, server: client}
        try:
            with selectors.DefaultSelector() as selector:
                for sock in peers:
                    sock.setblocking(True)
                    selector.register(sock, selectors.EVENT_READ)
                while not self._stopped.is_set():
                    if self.mode == STALL:  # no byte either way, and no close either
                        self._stopped.wait(0.05)
                        continue
                    for key, _ in selector.select(timeout=0.2):
                        data = key.fileobj.recv(CHUNK)
                        if not data:
                            return
                        peers[key.fileobj].sendall(data)
                    with self._lock:
                        if client not in self._sockets:
                            return
        except (OSError, ValueError):  # a socket closed by a switch
            return
        finally:
            for sock in peers:
                _close(sock)


def _reset(sock: socket.socket) -> None:
    # Linger 0: close with a TCP reset, as a host with nothing listening would answer.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
