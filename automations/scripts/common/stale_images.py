# The ecr-stale-images rule's image semantics (rules/ecr-stale-images/summarise.ts), shared by
# the runbooks that must leave a repository the rule agrees with (DeleteStaleEcrImages,
# ApplyEcrLifecyclePolicy): ACTIVE images that are not referrers; stale = pushed more than
# MaxImageAgeDays ago and not pulled within MaxIdleDays (strictly past both limits), unless a
# tag matches ProtectedTagPatterns; untagged build-up = untagged images pushed more than a day
# ago, of which MaxUntaggedImages are allowed. A platform manifest listed by a tagged image index
# takes the index's tags and last use (rules/common/image-index.ts): it is judged with its index.
import fnmatch
import json
from datetime import datetime, timedelta, timezone


def when(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromisoformat(str(value).replace('Z', '+00:00'))


INDEX_TYPES = ('application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json')
ACCEPTED_TYPES = list(INDEX_TYPES) + ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json',
                                      'application/vnd.docker.distribution.manifest.v1+json']


def last_use(image):
    pushed = when(image['imagePushedAt'])
    return max(pushed, when(image.get('lastRecordedPullTime')) or pushed)


def read_images(ecr, name):
    # One listing of the repository and the children of every active image index in it:
    # -> (pages, {child digest: {'tags': set, 'last_use': datetime, 'indexes': set of index digests, 'tagged': bool}}).
    # Pull times are read first: BatchGetImage records a pull of the index.
    pages = list(ecr.get_paginator('describe_images').paginate(repositoryName=name))
    indexes = [i for page in pages for i in page.get('imageDetails') or []
               if i.get('imageManifestMediaType') in INDEX_TYPES and i.get('imageStatus', 'ACTIVE') == 'ACTIVE']
    parents = {}
    for start in range(0, len(indexes), 100):
        batch = {i['imageDigest']: i for i in indexes[start:start + 100]}
        response = ecr.batch_get_image(repositoryName=name, imageIds=[{'imageDigest': d} for d in batch], acceptedMediaTypes=ACCEPTED_TYPES)
        failed = [f for f in response.get('failures') or [] if f.get('failureCode') != 'ImageNotFound']
        if failed:
            raise ValueError('Cannot read image index %s of %s (%s): its platform manifests cannot be told from untagged images; nothing was changed.'
                             % (failed[0].get('imageId', {}).get('imageDigest'), name, failed[0].get('failureCode')))
        for image in response.get('images') or []:
            index = batch.get(image.get('imageId', {}).get('imageDigest'))
            manifests = json.loads(image.get('imageManifest') or '{}').get('manifests') if index else None
            if index is None:
                continue
            if not isinstance(manifests, list) or not all(isinstance(m, dict) and m.get('digest') for m in manifests):
                raise ValueError('The manifest of image index %s of %s lists no manifests; nothing was changed.' % (index['imageDigest'], name))
            for child in manifests:
                entry = parents.setdefault(child['digest'], {'tags': set(), 'last_use': None, 'indexes': set(), 'tagged': False})
                entry['indexes'].add(index['imageDigest'])
                if index.get('imageTags'):
                    entry['tagged'] = True
                    entry['tags'].update(index['imageTags'])
                    entry['last_use'] = max(filter(None, [entry['last_use'], last_use(index)]))
    return pages, parents


def judge_images(pages, events, parents=None):
    # -> (active images newest first, stale unprotected, protected count, old untagged newest first)
    # Children inherit from tagged indexes only, as the rule does.
    parents = parents or {}
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
        used = last_use(image)
        parent = parents.get(image['imageDigest'])
        if parent and parent['tagged']:
            tags = sorted(set(tags) | parent['tags'])
            used = max(used, parent['last_use'])
        if pushed < age_cut and used < idle_cut:
            if any(fnmatch.fnmatchcase(tag, p) for tag in tags for p in patterns):
                protected += 1
            else:
                stale.append(image)
        if not tags and pushed < grace_cut:
            untagged.append(image)
    return active, stale, protected, untagged


def image_ref(image):
    return (image.get('imageTags') or [image['imageDigest'][:19]])[0]


def remaining_findings(pages, events, parents=None):
    # What the rule would still count against the repository: (findings in words, the images).
    _, stale, _, untagged = judge_images(pages, events, parents)
    allowed = int(events.get('MaxUntaggedImages') or 0)
    found, images = [], list(stale)
    if stale:
        found.append('%d stale image(s): %s' % (len(stale), ', '.join(image_ref(i) for i in stale[:10])))
    if len(untagged) > allowed:
        found.append('%d untagged image(s) older than a day (max %d): %s'
                     % (len(untagged), allowed, ', '.join(image_ref(i) for i in untagged[:10])))
        images += untagged
    return found, images
