"""The OpenAPI document settings every Revocast service uses."""

from __future__ import annotations

from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

__all__ = ["openapi_config"]


def openapi_config(title: str, version: str = "0.1.0") -> OpenAPIConfig:
    """Build an OpenAPI config served at ``/schema`` that documents bearer authentication.

    Browsers authenticate with the ``access_token`` cookie instead; OpenAPI
    tools use the bearer scheme.
    """
    return OpenAPIConfig(
        title=title,
        version=version,
        path="/schema",
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")
            }
        ),
        security=[{"BearerToken": []}],
    )
