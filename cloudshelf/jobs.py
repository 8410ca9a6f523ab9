"""The Lambda entry for scheduled jobs (deploy/streams.yaml's EventBridge rules). The rule's
event names the job (``{"job": "sweep_payments"}``); the job runs as its management command
does through ``zappa manage``, and the function answers with the command's output."""

import logging
from io import StringIO
from typing import Any

from cloudshelf.lambda_setup import django_ready

logger = logging.getLogger("cloudshelf.jobs")

#: The jobs a schedule may start: name -> the management command and its arguments.
JOBS: dict[str, tuple[str, ...]] = {
    "sweep_payments": ("sweep_payments",),
    "refresh_best_sellers": ("refresh_best_sellers",),
}


class UnknownJob(ValueError):
    pass


def handler(event: dict[str, Any] | None, context: object = None) -> dict[str, str]:
    job = (event or {}).get("job")
    if job not in JOBS:
        # A failed invocation: EventBridge's retries will not make it known, so say so.
        raise UnknownJob(f"Unknown job {job!r}: one of {', '.join(sorted(JOBS))}.")
    django_ready()
    from django.core.management import call_command

    out = StringIO()
    call_command(*JOBS[job], stdout=out)
    output = out.getvalue().strip()
    logger.info("job %s: %s", job, output)
    return {"job": job, "output": output}
