"""The fix advice of a device's configuration key names the device from its registration
(tests/flows/device_names.c): the szName of the struct its constructor is stored in."""
from pathlib import Path

import pytest

import srcscan

FLOW = Path(__file__).parent / "flows" / "device_names.c"


@pytest.fixture(scope="module")
def advice():
    a = srcscan.analyse_sources([str(FLOW)], cache=False)
    out = {}
    for f in ("cbMtu", "cMsLinkUpDelay", "uLunDelay", "uQuirk"):
        tr = srcscan.trace("NETSTATE." + f, analysis=a, direction="up").to_json()
        out.update({n["id"]: (n.get("model") or {}).get("override") for n in tr["nodes"] if n["id"].startswith("source:")})
    return out


def test_the_advice_names_the_device_its_constructor_is_registered_as(advice):
    assert "VBoxInternal/Devices/e1000/<instance>/Config/Mtu" in advice["source:cfgm:/Devices/<device>/<instance>/Config/Mtu"]


def test_two_devices_reading_one_key_are_both_named(advice):
    assert "VBoxInternal/Devices/<e1000|pcnet>/" in advice["source:cfgm:/Devices/<device>/<instance>/Config/LinkUpDelay"]


def test_a_driver_or_an_unnamed_registration_does_not_name_the_device(advice):
    assert "VBoxInternal/Devices/<device>/<instance>/LUN#<n>/Config/LunDelay" in \
        advice["source:cfgm:/Devices/<device>/<instance>/LUN#<n>/Config/LunDelay"]
    assert "VBoxInternal/Devices/<device>/" in advice["source:cfgm:/Devices/<device>/<instance>/Config/Quirk"]
