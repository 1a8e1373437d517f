"""Runs one aws:executeScript handler for the test interpreter (test/support/ssm/script.ts).

Protocol (JSON lines): the first line on stdin is {"script", "handler", "payload", "context"}.
boto3 calls are forwarded to Node as {"type": "call" | "paginate", ...} lines on the protocol
stream, each answered by one line on stdin. The last line is {"type": "result", ...}.
The script's own prints go to stderr so they cannot corrupt the protocol.
"""
import json
import sys
import time
import traceback

import _rpc


def main():
    # No real waiting in tests (as for aws:sleep and aws:waitForAwsResourceProperty polls).
    time.sleep = lambda seconds: None
    request = json.loads(sys.stdin.readline())
    namespace = {'__name__': '__ssm_script__'}
    try:
        exec(compile(request['script'], 'Script', 'exec'), namespace)
        handler = namespace.get(request['handler'])
        if not callable(handler):
            raise NameError('handler %r is not defined by the script' % request['handler'])
        value = handler(request['payload'], request['context'])
        _rpc.send({'type': 'result', 'ok': True, 'value': value})
    except BaseException as error:  # noqa: BLE001 - every failure is reported to Node
        _rpc.send({
            'type': 'result',
            'ok': False,
            'error': '%s: %s' % (type(error).__name__, error),
            'traceback': traceback.format_exc(),
        })


if __name__ == '__main__':
    main()
