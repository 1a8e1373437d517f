"""A fake boto3 for the test interpreter: every client call is answered by the Node side,
which sends it through the AWS SDK v3 command of the same operation, so the tests'
aws-sdk-client-mock mocks serve scripts too. Responses keep boto3's shape (same member
names) except that datetimes arrive as ISO 8601 strings and blobs as base64 strings.
"""
import _rpc
from botocore.exceptions import ClientError

__version__ = '0.0.0-ssm-test-fake'

_exception_classes = {}

# Services whose botocore model declares no error shapes: their `client.exceptions` holds only
# ClientError (and from_code), so `except ec2.exceptions.DependencyViolation:` raises
# AttributeError in real boto3. Errors of these services are plain ClientErrors to catch by code.
_UNMODELED_ERRORS = {'ec2'}


def _error_class(service, code):
    key = (service, code)
    if key not in _exception_classes:
        _exception_classes[key] = type(code, (ClientError,), {})
    return _exception_classes[key]


class _Exceptions:
    def __init__(self, service):
        self._service = service

    ClientError = ClientError

    def __getattr__(self, code):
        if code.startswith('__') or self._service in _UNMODELED_ERRORS:
            raise AttributeError('%s exceptions object has no attribute %s. Valid exceptions are: ' % (self._service, code))
        return _error_class(self._service, code)


class _Paginator:
    def __init__(self, service, method):
        self._service = service
        self._method = method

    def paginate(self, **kwargs):
        answer = _rpc.request({'type': 'paginate', 'service': self._service, 'method': self._method, 'kwargs': kwargs})
        if not answer['ok']:
            raise _error_class(self._service, answer['error']['Code'])({'Error': answer['error']}, self._method)
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
                raise _error_class(self._service, error['Code'])({'Error': error}, method)
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
