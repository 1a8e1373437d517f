# Candidate selection, shared by ListCandidates, RemoveImages and VerifyRemoval (inlined into
# each): the three steps choose exactly the same images, so the list approved is the list removed.
import fnmatch
import hashlib
from datetime import datetime, timedelta, timezone


def when(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromisoformat(str(value).replace('Z', '+00:00'))


def select(pages, events):
    # The listing's time: the list approved stays the list removed while the approval waits.
    now = when(events.get('AsOf')) or datetime.now(timezone.utc)
    age_cut = now - timedelta(days=int(events['MaxImageAgeDays']))
    idle_cut = now - timedelta(days=int(events['MaxIdleDays']))
    grace_cut = now - timedelta(days=1)
    patterns = [p.strip() for p in events['ProtectedTagPatterns'].split(',') if p.strip()]
    images = [i for page in pages for i in page.get('imageDetails') or []
              if i.get('imageStatus', 'ACTIVE') == 'ACTIVE' and not i.get('subjectManifestDigest')]
    images.sort(key=lambda i: when(i['imagePushedAt']), reverse=True)
    keep = int(events['KeepLastImages'])
    chosen, spared = [], 0
    for image in images[keep:]:
        tags = image.get('imageTags') or []
        pushed = when(image['imagePushedAt'])
        last_use = max(pushed, when(image.get('lastRecordedPullTime')) or pushed)
        stale = pushed < age_cut and last_use < idle_cut
        untagged = not tags and pushed < grace_cut and events['IncludeUntagged'] == 'true'
        if not (stale or untagged):
            continue
        if any(fnmatch.fnmatchcase(tag, p) for tag in tags for p in patterns):
            spared += 1
            continue
        chosen.append(image)
    return chosen, spared, min(keep, len(images))


def fingerprint(chosen):
    return hashlib.sha256('\n'.join(sorted(i['imageDigest'] for i in chosen)).encode()).hexdigest()[:16]
