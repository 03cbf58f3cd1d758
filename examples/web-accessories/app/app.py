"""The web-accessories example's app: a page, a health endpoint, and /deps, which checks that the
Postgres and Redis the stack gives it (DB_URL, CACHE_URL) answer: Postgres to a protocol handshake,
Redis to AUTH and PING with the password from its URL. Standard library only.
"""
import http.server
import json
import os
import signal
import socket
import struct
import threading
from urllib.parse import unquote, urlparse

STOPPING = threading.Event()


def check_postgres(url):
    """Sends Postgres' SSLRequest; a Postgres server answers with one byte, N or S."""
    parts = urlparse(url)
    with socket.create_connection((parts.hostname, parts.port or 5432), timeout=3) as conn:
        conn.sendall(struct.pack("!ii", 8, 80877103))
        answer = conn.recv(1)
    return "ok" if answer in (b"N", b"S") else f"unexpected answer {answer!r}"


def check_redis(url):
    parts = urlparse(url)
    with socket.create_connection((parts.hostname, parts.port or 6379), timeout=3) as conn:
        if parts.password:
            password = unquote(parts.password).encode()
            conn.sendall(b"*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n" % (len(password), password))
            if not conn.recv(64).startswith(b"+OK"):
                return "authentication failed"
        conn.sendall(b"*1\r\n$4\r\nPING\r\n")
        answer = conn.recv(64)
    return "ok" if answer.startswith(b"+PONG") else f"unexpected answer {answer!r}"


def deps():
    result = {}
    for name, variable, check in (("db", "DB_URL", check_postgres), ("cache", "CACHE_URL", check_redis)):
        url = os.environ.get(variable)
        try:
            result[name] = check(url) if url else f"{variable} is not set"
        except OSError as error:
            result[name] = f"unreachable: {error}"
    return result


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5

    def do_GET(self):
        if self.path == "/health":
            self.reply(200, "ok\n")
        elif self.path == "/deps":
            self.reply(200, json.dumps(deps()) + "\n")
        else:
            self.reply(200, os.environ.get("GREETING", "Hello") + "\n")

    def reply(self, status, text):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if STOPPING.is_set():
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True
    request_queue_size = 128


if __name__ == "__main__":
    server = Server(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Handler)

    def stop(*_):
        STOPPING.set()
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    print(f"listening on {server.server_address[0]}:{server.server_address[1]}", flush=True)
    server.serve_forever()
    server.server_close()
