"""What EnableEcrImageScanning shares between steps: which effective frequencies the rule accepts, and the configuration digest."""
import hashlib
import json

# Effective frequencies that scan every push, per registry scan type (the rule's check).
SCANNED = {'BASIC': {'SCAN_ON_PUSH'}, 'ENHANCED': {'SCAN_ON_PUSH', 'CONTINUOUS_SCAN'}}


def configuration_digest(configuration):
    return hashlib.sha256(json.dumps(configuration, sort_keys=True, default=str).encode()).hexdigest()
