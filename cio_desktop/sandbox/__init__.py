"""A local Customer.io-compatible server (Track v1/v2, App and Pipelines APIs) for the demo workspace and
for tests.

Start it with ``cio-desktop sandbox`` (prints one JSON line with the URLs and keys), ``run_in_thread``
(tests, sync code) or ``process.start_sandbox_process`` (the GUI's demo mode). One port serves all three
APIs: Track under ``/api/v1`` and ``/api/v2``, App under ``/v1``, Pipelines under ``/cdp/v1`` (see
``pipelines.py``). ``track_url``/``app_url`` are host roots, like ``https://track.customer.io``;
``pipelines_url`` is ``<root>/cdp``, like ``https://cdp.customer.io``.

Region design: the sandbox plays one region (``--region us|eu``). A second port plays the *other*
region's hosts (``track_url_other``/``app_url_other`` in ``SandboxInfo``). There,
``GET /api/v1/accounts/region`` still answers (documented to work on either host) and every other call
answers ``307`` to the same path on the main face (``--wrong-region redirect``, the documented
behaviour, default) or ``401`` in the API's shape (``--wrong-region 401``, what a third party observed).
The redirect changes the port, so httpx and requests drop the Authorization header when following it
(like Node's client for non-customer.io hosts): a client must re-send credentials to the new base.

Credentials are fake and random (repeatable only with ``--key-seed``); the workspace id and the demo
data follow ``--seed``. With ``--state-dir`` they are kept in the state file (0600, folder 0700,
written atomically). Faults (``--fault``) are documented in ``faults.py``; the limits that keep a
hostile client from holding the server in ``hardening.py``.

Answers are checked against Customer.io's published response schemas (Track, Pipelines) and hand-written
App API schemas (``tests/sandbox/openapi/``). Remaining differences from those descriptions, on purpose:
- ``GET /api/v1/accounts/region`` names the sandbox's own address in ``url``, not a customer.io host.
- App API fields that do not apply are absent rather than ``null`` (activity ``delivery_id``,
  ``delivery_type``, ``name``, ``url``, ``customer_identifiers`` of anonymous activities; message
  ``campaign_id``, ``action_id``, ``msg_template_id``, ``recipient``; ``customer.id`` of a person
  without an id). The search/membership ``ids`` list holds ``""`` for such a person, keeping positions.
- App API 400s are ``{"errors":[{"detail","status"}]}`` everywhere except ``/v1/send/*``
  (``{"meta":{"error"}}``, as documented); the description gives ``{"meta":{"errors"}}`` for a
  subscription-preferences 400, which the sandbox does not single out.
- Pipelines errors are ``{"code","message"}`` (what the official client reads); the description's
  400 schema (``meta.errors``) requires no property, so they validate.

Deliberate differences from real Customer.io (reference: shared/docs/customerio-api.md):
- The workspace identifies people by id and email; phone is not an identifier (v2 ``phone`` → error,
  App ``id_type=phone`` → 400). ``cio_id`` is accepted with or without the ``cio_`` prefix on the App
  API, except ``/v1/activities?customer_id=`` which requires it (as documented).
- Limit breaches, undocumented for Track, answer 400 ``{"meta":{"errors":[...]}}`` (v1) or the v2
  ``errors`` shapes; v1 bodies over 1 MB are refused too.
- Logical failures Customer.io reports asynchronously (``_update`` on a missing person, unknown
  ``cio_`` identifier, a suppressed identifier, merge with a missing side) answer 200 ``{}`` and add a
  ``failed_*`` activity to the workspace log (``GET /v1/activities``).
- Events, devices and segment additions for an unknown id/email create the person.
- An attribute set to ``null`` or ``""`` is removed. Event ``id`` de-duplication is workspace-wide and
  never expires. Anonymous events merge on identify when ≤ 30 days old.
- ``suppress`` deletes the profile and blocks its id/email; ``unsuppress`` lifts the block but does not
  restore the profile. Delete/suppress activities are visible with ``GET /v1/activities?deleted=true``.
- Activity types the sandbox adds: ``profile_suppress``, ``profile_unsuppress``, ``segment_change``,
  ``form_submit``, ``delivery_metric``, ``failed_profile_merge``, ``object_*``, ``delivery_*``,
  ``<event>_push`` (push metrics). Custom unsubscribe (``/unsubscribe/{delivery_id}``) works for the
  sandbox's own delivery ids and sets ``unsubscribed``.
- Paging: ``next`` is ``""`` at the end. Activities ``limit`` outside 1..100 → 400; messages and search
  limits are clamped to 1..1000. Messages default to the last 6 months.
- Find-by-email lists every person with that email; ``id_type=email`` picks the oldest one.
- The App limiter is 10 requests per sliding second per key for every ``/v1`` path (``--rate-limit``,
  0 = off); broadcast triggers allow 1 per 10 s per broadcast. Track is never throttled.
- ``/v1/send/*`` needs an App key (no service-account tokens); ``to`` is required for email; no email
  is really sent: the message appears in the person's messages and a ``sent_<kind>`` activity.
- Pipelines: ``group`` stores the object and logs an ``add_relationship`` activity; ``alias`` merges a
  known person or attaches an anonymous id's events; an identify with neither ``userId`` nor an email
  trait is only logged. ``messageId`` de-duplicates every call. Region keys are ``pk_|sk_<region>_``
  followed by the write key.
- Not implemented: objects beyond storage, relationships (always empty), exports (``{"exports": null}``),
  the legacy ``/v1/api`` prefix. Request bodies over 4 MB get 413.
"""

from cio_desktop.sandbox.options import SandboxInfo, SandboxOptions
from cio_desktop.sandbox.runner import ThreadedSandbox, run_in_thread

__all__ = ["SandboxInfo", "SandboxOptions", "ThreadedSandbox", "run_in_thread"]
