"""moto's S3 server on 127.0.0.1 and a port the OS picks, for tests: prints one JSON line
{"endpoint": "http://127.0.0.1:PORT"} once it listens, and stops when its standard input closes
(so it never outlives the test process that started it)."""
import json
import sys

from moto.moto_server.threaded_moto_server import ThreadedMotoServer

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
print(json.dumps({"endpoint": f"http://{host}:{port}"}), flush=True)
sys.stdin.read()
server.stop()
