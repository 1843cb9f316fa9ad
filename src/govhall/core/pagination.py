"""API pagination: ``?limit=&offset=`` with a ceiling, so no request can ask the database for
more rows than a page may hold (``?limit=9999999999999999999`` overflowed the SQL integer and
answered 500)."""

from rest_framework import pagination

MAX_PAGE_SIZE = 500


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """DRF's limit/offset pagination; a limit above `MAX_PAGE_SIZE` is served as `MAX_PAGE_SIZE`
    (the response's ``next`` link carries on from there)."""

    max_limit = MAX_PAGE_SIZE
