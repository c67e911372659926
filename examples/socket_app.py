# A WSGI app for gunicorn behind a socket supd holds (docs/sockets.md):
#   gunicorn --chdir examples socket_app:app
# gunicorn finds the socket by systemd's protocol (LISTEN_FDS, LISTEN_PID = its own pid), or
# take it explicitly with --bind fd://3. Each answer names the gunicorn master (the copy supd runs).
import json
import os


def app(environ, start_response):
    body = json.dumps({
        "pid": os.getppid(),
        "name": os.environ.get("SUPD_NAME"),
        "ready": True,
        "version": os.environ.get("APP_VERSION"),
    }).encode() + b"\n"
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
