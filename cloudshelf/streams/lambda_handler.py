"""The Lambda entry for DynamoDB Streams event source mappings (deploy/app.yaml).

It answers with a partial batch response: the records from the first one not done are
listed in ``batchItemFailures`` (FunctionResponseTypes: ReportBatchItemFailures), so Lambda
retries from there and never replays what was already delivered."""

from typing import Any

from cloudshelf.lambda_setup import django_ready


def handler(event: dict[str, Any], context: object = None) -> dict[str, list[dict[str, str]]]:
    django_ready()
    from cloudshelf.streams.dispatcher import records_dispatch
    from cloudshelf.streams.positions import position_note

    records = event.get("Records", [])
    outcome = records_dispatch(records)
    if outcome.last_done is not None:
        position_note(
            table_name=outcome.last_done.table_name,
            last=outcome.last_done,
            count=outcome.delivered,
        )
    failed = []
    if outcome.failed_from is not None:
        failed = [{"itemIdentifier": outcome.failed_from}]
    return {"batchItemFailures": failed}
