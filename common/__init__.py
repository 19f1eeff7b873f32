"""Revocast's shared library: what every service, and any team's own, builds on."""

from common.guards import current_principal, requires_role
from common.principal import Principal
from common.resource_server import FEED_POLICY, ResourceServerPlugin
from common.settings import (
    AuthSettings,
    ConfigurationError,
    ResourceServerSettings,
    ServiceSettings,
    load_settings,
)

__all__ = [
    "FEED_POLICY",
    "AuthSettings",
    "ConfigurationError",
    "Principal",
    "ResourceServerPlugin",
    "ResourceServerSettings",
    "ServiceSettings",
    "current_principal",
    "load_settings",
    "requires_role",
]
