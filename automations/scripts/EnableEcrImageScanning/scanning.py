"""What EnableEcrImageScanning shares between steps: the rule's configuration check (kept equal to the
TypeScript rule by test/automations/image-scanning-parity.test.ts) and the configuration digest."""
import hashlib
import json

# Effective frequencies that scan every push, per registry scan type (the rule's check).
SCANNED = {'BASIC': {'SCAN_ON_PUSH'}, 'ENHANCED': {'SCAN_ON_PUSH', 'CONTINUOUS_SCAN'}}


def pushes_scanned(scan_type, frequency):
    """The rule's configuration check: the effective frequency scans every push for this scan type."""
    return frequency in SCANNED.get(scan_type, set())


def configuration_digest(configuration):
    return hashlib.sha256(json.dumps(configuration, sort_keys=True, default=str).encode()).hexdigest()
