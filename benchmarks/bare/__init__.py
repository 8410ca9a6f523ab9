"""A bare Django project: the floor the benchmarks compare CloudShelf's pages with.

One view renders one template to a page of a requested size (``/page/<bytes>/``), behind
the middleware a new ``startproject`` has that needs no database. No DynamoDB, no sessions."""
