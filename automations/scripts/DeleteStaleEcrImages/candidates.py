# Candidate selection, shared by ListCandidates, RemoveImages and VerifyRemoval (inlined into
# each): the three steps choose exactly the same images, so the list approved is the list removed.
# The images are what the ecr-stale-images rule counts (stale_images.py): every unprotected stale
# image and the untagged images older than a day beyond the newest MaxUntaggedImages, except the
# KeepLastImages most recently pushed (the rule passes 0: it counts those too). A platform manifest
# of an image index that stays is never chosen: removing it would break the index.
import hashlib
from stale_images import judge_images


def select(pages, events, parents=None):
    parents = parents or {}
    active, stale, spared, untagged = judge_images(pages, events, parents)
    chosen = {i['imageDigest']: i for i in stale}
    if events['IncludeUntagged'] == 'true':
        surplus = [i for i in untagged if i['imageDigest'] not in chosen][int(events.get('MaxUntaggedImages') or 0):]
        chosen.update((i['imageDigest'], i) for i in surplus)
    keep = int(events['KeepLastImages'])
    kept = {i['imageDigest'] for i in active[:keep]}
    removed = {d for d in chosen if d not in kept}
    # Children of an index that stays stay too (an index removed with them is fine).
    removed -= {d for d in removed if parents.get(d, {}).get('indexes', set()) - removed}
    return [i for i in active if i['imageDigest'] in removed], spared, min(keep, len(active))


def fingerprint(chosen):
    return hashlib.sha256('\n'.join(sorted(i['imageDigest'] for i in chosen)).encode()).hexdigest()[:16]
