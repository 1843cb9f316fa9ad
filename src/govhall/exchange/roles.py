"""What each role may do with the upstream exchange."""

from govhall.core.roles import Role

_READ = [
    "exchange.view_exchange_status",
    "exchange.view_province_ranking",
    "exchange.view_remotecenter",
    "exchange.view_remotecase",
    "exchange.view_remoterating",
    "exchange.view_receivedevent",
    "exchange.view_deadletter",
]

ROLE_PERMISSIONS = {
    Role.CENTER_ADMIN: [
        *_READ,
        "exchange.redrive_outbox",
        "exchange.view_exchangesettings",
        "exchange.change_exchangesettings",
        "exchange.add_remotecenter",
        "exchange.change_remotecenter",
    ],
    Role.LEADER: _READ,
    Role.INSPECTOR: _READ,
}
