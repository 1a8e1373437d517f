"""The part of botocore.exceptions scripts use."""


class BotoCoreError(Exception):
    pass


class ClientError(Exception):
    def __init__(self, error_response, operation_name):
        self.response = error_response
        self.operation_name = operation_name
        error = error_response.get('Error', {})
        super().__init__('An error occurred (%s) when calling the %s operation: %s' % (
            error.get('Code', 'Unknown'), operation_name, error.get('Message', '')))
