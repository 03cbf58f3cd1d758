"""The hello example's web app: a page and a health endpoint, configured from the environment.

On SIGTERM it stops accepting connections, finishes the requests in flight and answers them with
`Connection: close`, so keep-alive connections end after their current request instead of keeping the
old release busy; that is what lets slipway drain an old release without failing a single request.
"""
import http.server
import os
import signal
import socket
import threading

GREETING = os.environ.get("GREETING", "Hello")
STOPPING = threading.Event()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # idle keep-alive connections close, so a shutdown never waits on them for long

    def do_GET(self):
        if self.path == "/health":
            self.reply(200, "ok\n")
        else:
            self.reply(200, f"{GREETING} (served by {socket.gethostname()})\n")

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

    def log_message(self, fmt, *args):
        print(f"{self.address_string()} {fmt % args}", flush=True)


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 128  # the default of 5 drops connections under a burst
    daemon_threads = False  # server_close() waits for requests in flight
    block_on_close = True


if __name__ == "__main__":
    server = Server(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Handler)

    def stop(*_):
        STOPPING.set()
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    print(f"listening on {server.server_address[0]}:{server.server_address[1]}", flush=True)
    server.serve_forever()
    server.server_close()
