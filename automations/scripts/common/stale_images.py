# The ecr-stale-images rule's image semantics (rules/ecr-stale-images/summarise.ts), shared by
# the runbooks that must leave a repository the rule agrees with (DeleteStaleEcrImages,
# ApplyEcrLifecyclePolicy): ACTIVE images that are not referrers; stale = pushed more than
# MaxImageAgeDays ago and not pulled within MaxIdleDays (strictly past both limits), unless a
# tag matches ProtectedTagPatterns; untagged build-up = untagged images pushed more than a day
# ago, of which MaxUntaggedImages are allowed.
import fnmatch
from datetime import datetime, timedelta, timezone


def when(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromisoformat(str(value).replace('Z', '+00:00'))


def judge_images(pages, events):
    # -> (active images newest first, stale unprotected, protected count, old untagged newest first)
    now = when(events.get('AsOf')) or datetime.now(timezone.utc)
    age_cut = now - timedelta(days=int(events['MaxImageAgeDays']))
    idle_cut = now - timedelta(days=int(events.get('MaxIdleDays') or 0) or int(events['MaxImageAgeDays']))
    grace_cut = now - timedelta(days=1)
    patterns = [p.strip() for p in (events.get('ProtectedTagPatterns') or '').split(',') if p.strip()]
    active = [i for page in pages for i in page.get('imageDetails') or []
              if i.get('imageStatus', 'ACTIVE') == 'ACTIVE' and not i.get('subjectManifestDigest')]
    active.sort(key=lambda i: when(i['imagePushedAt']), reverse=True)
    stale, protected, untagged = [], 0, []
    for image in active:
        tags = image.get('imageTags') or []
        pushed = when(image['imagePushedAt'])
        last_use = max(pushed, when(image.get('lastRecordedPullTime')) or pushed)
        if pushed < age_cut and last_use < idle_cut:
            if any(fnmatch.fnmatchcase(tag, p) for tag in tags for p in patterns):
                protected += 1
            else:
                stale.append(image)
        if not tags and pushed < grace_cut:
            untagged.append(image)
    return active, stale, protected, untagged


def image_ref(image):
    return (image.get('imageTags') or [image['imageDigest'][:19]])[0]


def remaining_findings(pages, events):
    # What the rule would still count against the repository: (findings in words, the images).
    _, stale, _, untagged = judge_images(pages, events)
    allowed = int(events.get('MaxUntaggedImages') or 0)
    found, images = [], list(stale)
    if stale:
        found.append('%d stale image(s): %s' % (len(stale), ', '.join(image_ref(i) for i in stale[:10])))
    if len(untagged) > allowed:
        found.append('%d untagged image(s) older than a day (max %d): %s'
                     % (len(untagged), allowed, ', '.join(image_ref(i) for i in untagged[:10])))
        images += untagged
    return found, images
