"""Make moto's Query of a table read one partition, as DynamoDB does.

moto 5.2 answers every Query of a table by sorting all the table's items and then keeping
those of the asked partition: a Query of an index table with a million items took minutes,
whatever the size of the partition. This gives moto's own ``Table.query`` only the items of
the partition asked for, so its results, limits, start keys and filters are unchanged.
Queries of secondary indexes are left as they are."""

from moto.dynamodb.models.table import Table

_moto_query = Table.query
_INDEX_NAME_POSITION = 6  # in moto's Table.query(hash_key, *args): args[6] is index_name


def _partition_query(self, hash_key, *args, **kwargs):
    index_name = kwargs.get("index_name") or (
        args[_INDEX_NAME_POSITION] if len(args) > _INDEX_NAME_POSITION else None
    )
    if index_name or hash_key is None:
        return _moto_query(self, hash_key, *args, **kwargs)
    stored = self.items.get(hash_key, None)
    if not stored:
        partition = []
    elif self.range_key_attr:
        partition = list(stored.values())
    else:
        partition = [stored]
    # The emulator serves one request at a time, so shadowing the method is safe here.
    self.all_items = lambda: partition
    try:
        return _moto_query(self, hash_key, *args, **kwargs)
    finally:
        del self.all_items


def install():
    Table.query = _partition_query
