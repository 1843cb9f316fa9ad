"""The codes the simulation answers with when it refuses (see `core.error_codes`), listed with
their statuses in docs/architecture.md."""

from govhall.core.error_codes import ErrorCode
from govhall.core.errors import Conflict, ValidationFailed


class SimulationError(ErrorCode):
    # Input (400).
    BAD_MONTH = "bad_month", ValidationFailed
    # The month as it is (409).
    MONTH_SIMULATED = "month_simulated", Conflict
