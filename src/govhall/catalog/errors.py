"""The codes the catalogue answers with when it refuses (see `core.error_codes`), listed with
their statuses in docs/architecture.md."""

from govhall.core.error_codes import ErrorCode
from govhall.core.errors import NotFound


class CatalogError(ErrorCode):
    CENTER_NOT_FOUND = "center_not_found", NotFound
    NO_CENTERS = "no_centers", NotFound
    ITEM_NOT_FOUND = "item_not_found", NotFound
    MATERIAL_NOT_FOUND = "material_not_found", NotFound
    NO_FILE = "no_file", NotFound
    FILE_GONE = "file_gone", NotFound
