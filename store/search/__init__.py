"""Search of the catalog on DynamoDB alone: an index of word prefixes (models.py), kept up
to date by services.py and read by selectors.py, one bounded Query per page."""
