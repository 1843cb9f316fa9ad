"""The codes the scoping of every app answers with when it refuses (see `core.error_codes`),
listed with their statuses in docs/architecture.md."""

from govhall.core.error_codes import ErrorCode
from govhall.core.errors import PermissionDenied


class OrgError(ErrorCode):
    PERMISSION_DENIED = "permission_denied", PermissionDenied
    NO_CENTER = "no_center", PermissionDenied
    OTHER_DEPARTMENT = "other_department", PermissionDenied
