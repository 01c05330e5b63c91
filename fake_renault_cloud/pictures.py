"""Pictures of the cars, served by the cloud itself.

The captured vehicle details point at Renault's picture servers, which a
machine without network (the demo, the tests) cannot reach. When the world
asks for it, the details point here instead, and each model gets a drawing:
a side view in the brand's colour with the model's name under it.
"""

from __future__ import annotations

from html import escape
from typing import Any

from aiohttp import web

from . import payloads
from .profiles import PROFILES, VehicleProfile

ROUTE = "/pictures/{profile}/{rendition}.svg"
# Width of each rendition the vehicle details list, in pixels (height: half).
_WIDTHS = {"ONE_MYRENAULT_LARGE": 480, "ONE_MYRENAULT_SMALL": 240}
_BRAND_COLOURS = {"RENAULT": "#efdf00", "DACIA": "#646b52", "ALPINE": "#005eb8"}
_OTHER_COLOUR = "#8a8d8f"


def point_renditions_at(details: dict[str, Any], root: str, profile: str) -> None:
    """Make every picture rendition of rendered details a picture of this cloud."""
    for asset in details.get("assets") or []:
        if asset.get("assetType") != "PICTURE":
            continue
        for rendition in asset.get("renditions") or []:
            resolution = rendition["resolutionType"]
            rendition["url"] = f"{root}/pictures/{profile}/{resolution}.svg"


def _model_label(profile: VehicleProfile) -> str:
    """Return the model's name as the captured details give it."""
    captured = payloads.template(profile.details_payload)
    label: str = captured["vehicleLinks"][0]["vehicleDetails"]["model"]["label"]
    return label


def drawing(profile: VehicleProfile, width: int) -> str:
    """Return the SVG drawing of a model, ``width`` pixels wide."""
    colour = _BRAND_COLOURS.get(profile.brand, _OTHER_COLOUR)
    caption = escape(f"{profile.brand.title()} {_model_label(profile).title()}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{width // 2}" viewBox="0 0 480 240">'
        '<path d="M40 150 L60 110 L150 100 L200 62 L320 62 L380 100 L440 112 '
        f'L446 150 Z" fill="{colour}" stroke="#222" stroke-width="4"/>'
        '<path d="M212 72 L312 72 L356 100 L176 100 Z" fill="#cfe3f0"/>'
        '<circle cx="130" cy="152" r="30" fill="#333"/>'
        '<circle cx="360" cy="152" r="30" fill="#333"/>'
        '<text x="240" y="220" font-family="sans-serif" font-size="26" '
        f'text-anchor="middle" fill="#222">{caption}</text></svg>'
    )


async def handle(request: web.Request) -> web.Response:
    """Answer a picture request (404 for an unknown model or rendition)."""
    profile = PROFILES.get(request.match_info["profile"])
    width = _WIDTHS.get(request.match_info["rendition"])
    if profile is None or width is None:
        raise web.HTTPNotFound
    # Bytes, so that no charset joins the content type: Home Assistant's image
    # proxy refuses one.
    return web.Response(
        body=drawing(profile, width).encode(), content_type="image/svg+xml"
    )
