"""A fake boto3 for the test interpreter: every client call is answered by the Node side,
which sends it through the AWS SDK v3 command of the same operation, so the tests'
aws-sdk-client-mock mocks serve scripts too. Responses keep boto3's shape (same member
names) except that datetimes arrive as ISO 8601 strings and blobs as base64 strings.
"""
import _rpc
from botocore.exceptions import ClientError

__version__ = '0.0.0-ssm-test-fake'

_exception_classes = {}


class _Exceptions:
    def __init__(self, service):
        self._service = service

    def __getattr__(self, code):
        if code.startswith('__'):
            raise AttributeError(code)
        key = (self._service, code)
        if key not in _exception_classes:
            _exception_classes[key] = type(code, (ClientError,), {})
        return _exception_classes[key]


class _Paginator:
    def __init__(self, service, method):
        self._service = service
        self._method = method

    def paginate(self, **kwargs):
        answer = _rpc.request({'type': 'paginate', 'service': self._service, 'method': self._method, 'kwargs': kwargs})
        if not answer['ok']:
            raise getattr(_Exceptions(self._service), answer['error']['Code'])({'Error': answer['error']}, self._method)
        return iter(answer['result'])


class _Client:
    def __init__(self, service):
        self._service = service
        self.exceptions = _Exceptions(service)

    def get_paginator(self, method):
        return _Paginator(self._service, method)

    def __getattr__(self, method):
        if method.startswith('_'):
            raise AttributeError(method)

        def call(**kwargs):
            answer = _rpc.request({'type': 'call', 'service': self._service, 'method': method, 'kwargs': kwargs})
            if not answer['ok']:
                error = answer['error']
                raise getattr(self.exceptions, error['Code'])({'Error': error}, method)
            return answer['result']

        call.__name__ = method
        return call


def client(service_name, *args, **kwargs):
    return _Client(service_name)


class Session:
    def __init__(self, *args, **kwargs):
        pass

    def client(self, service_name, *args, **kwargs):
        return _Client(service_name)


session = type('session', (), {'Session': Session})
