"""Audit trail: append N events one transaction each, as services do, then verify the chain.

    python -m bench.bench_audit [--events 20000]

Appending should cost the same at the end of the chain as at the start (the previous hash is
one indexed lookup), so the first and last thousand are timed apart.
"""

import argparse
from io import StringIO

from bench._common import bench_setup, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()

    bench_setup("audit")
    from django.core.management import call_command

    from portal.models import AuditEvent
    from portal.services.audit import audit_record, audit_verify

    print(f"bench_audit: {args.events:,} events")
    first = min(1000, args.events)
    rest = args.events - first

    def append(start: int, count: int) -> None:
        for i in range(start, start + count):
            audit_record(
                verb="bench.appended",
                object_type="bench.thing",
                object_id=str(i),
                object_repr=f"Thing {i}",
                changes={"i": i, "note": "a change of state with a few fields", "ok": True},
                ip="192.0.2.10",
            )

    with timed("append the first events", first, "events"):
        append(0, first)
    if rest > first:
        with timed("append the middle", rest - first, "events"):
            append(first, rest - first)
    if rest:
        with timed("append the last events", min(first, rest), "events"):
            append(args.events - min(first, rest), min(first, rest))
    assert AuditEvent.objects.count() == args.events

    with timed("audit_verify over the whole chain", args.events, "events"):
        checked, bad, _problem = audit_verify()
    assert checked == args.events, (checked, bad)
    assert bad is None, (checked, bad)
    with timed("manage.py verify_audit", args.events, "events"):
        call_command("verify_audit", stdout=StringIO())


if __name__ == "__main__":
    main()
