"""The cars' pictures: Renault's addresses, or the cloud's own drawings."""

from __future__ import annotations

import aiohttp
from renault_api.kamereon.enums import AssetPictureSize
from renault_api.renault_client import RenaultClient

from fake_renault_cloud import FakeAccount, FakeRenaultCloud

from .common import CarFactory


async def test_pictures_are_renaults_by_default(add_car: CarFactory) -> None:
    """Without being asked, the details keep the captured picture addresses."""
    _, vehicle = await add_car("zoe_50")
    picture = (await vehicle.get_details()).get_picture()
    assert picture is not None
    assert picture.startswith("https://3dv")


async def test_served_pictures_in_the_list_and_the_details(
    cloud: FakeRenaultCloud,
    add_car: CarFactory,
    account: FakeAccount,
    client: RenaultClient,
    websession: aiohttp.ClientSession,
) -> None:
    """Both renderings of the details point at drawings the cloud serves."""
    cloud.serve_pictures = True
    spring, _ = await add_car("spring")
    zoe, _ = await add_car("zoe_50")
    renault_account = await client.get_api_account(account.account_id)
    links = (await renault_account.get_vehicles()).vehicleLinks or []
    listed = links[0].vehicleDetails
    assert listed is not None
    details = await client.session.get_vehicle_details(account.account_id, spring.vin)
    large = details.get_picture(AssetPictureSize.LARGE)
    assert large == listed.get_picture(AssetPictureSize.LARGE)
    assert large == f"{cloud.url}/pictures/spring/ONE_MYRENAULT_LARGE.svg"

    async with websession.get(large) as response:
        assert response.status == 200
        assert response.content_type == "image/svg+xml"
        drawing = await response.text()
    assert 'width="480"' in drawing
    assert "Dacia Spring" in drawing
    # Manuals, videos and links stay where they are.
    zoe_details = await client.session.get_vehicle_details(account.account_id, zoe.vin)
    assert zoe_details.get_asset("PDF")["renditions"][0]["url"].startswith("https://")
    small = details.get_picture(AssetPictureSize.SMALL)
    assert small is not None
    async with websession.get(small) as response:
        assert 'width="240"' in await response.text()


async def test_unknown_pictures_are_not_found(
    cloud: FakeRenaultCloud, websession: aiohttp.ClientSession
) -> None:
    """A model or a rendition the cloud does not know answers 404."""
    for path in ("no_such_car/ONE_MYRENAULT_LARGE", "zoe_50/ONE_MYRENAULT_HUGE"):
        async with websession.get(f"{cloud.url}/pictures/{path}.svg") as response:
            assert response.status == 404
