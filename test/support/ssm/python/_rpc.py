"""The Node <-> Python channel: requests on the real stdout, answers on stdin."""
import base64
import datetime
import json
import sys

_protocol = sys.stdout
sys.stdout = sys.stderr  # script prints must not reach the protocol stream


def _default(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode('ascii')
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError('%s is not JSON serialisable' % type(value).__name__)


def send(message):
    _protocol.write(json.dumps(message, default=_default) + '\n')
    _protocol.flush()


def request(message):
    send(message)
    line = sys.stdin.readline()
    if not line:
        raise RuntimeError('the test interpreter closed the channel')
    return json.loads(line)
