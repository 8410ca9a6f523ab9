"""The public JSON API under /api/v1/: plain Django views returning JSON, documented by
the OpenAPI description that ``openapi.py`` builds and ``/api/v1/openapi.json`` serves."""
