"""The event backbone: everything derived from the data follows DynamoDB Streams.

A table in ``settings.STREAM_TABLE_NAMES`` carries a stream (new and old images). Each
stream record becomes a ``Change`` (records.py) and goes to every projection of
``settings.STREAM_PROJECTIONS`` that reads that table (dispatcher.py). A projection is
idempotent: it is given the change, may re-read the item's current state, and writes only
its own items, so a record delivered twice, late or out of order leaves the same result.

Who delivers the records:

* in AWS, a Lambda event source mapping on each stream calls ``lambda_handler.handler``;
* locally and in tests, ``local.deliver_pending()`` reads the emulator's streams from the
  position kept in the projections table; the serving process runs it on a thread
  (``poller.py``) every ``STREAM_POLL_INTERVAL`` seconds, tests call it when they want
  every record written so far delivered.

A projection that keeps failing on a record leaves a dead letter (models.DeadLetter) and
the record is done for it, so the stream moves on; ``manage.py replay_dead_letters`` tries
them again and ``manage.py rebuild_projections`` recomputes a projection from the tables.
"""
