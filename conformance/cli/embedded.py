"""The embedded emulator as a run's target: started by the doors, the only place that knows both the
suite and the emulator (the run itself never imports the emulator; see tests/test_layout.py)."""

from __future__ import annotations

import contextlib

from conformance.common.loopback import LOOPBACK_NAMES
from conformance.run.target import Target, emulator_target


def start_embedded(closer: contextlib.ExitStack, receivers) -> Target:
    """Start the emulator on a free loopback port for the run's life (`closer` stops it); with the media
    receivers, its player streams to them, and sends dtmf and mark so that a --media run meets every
    documented event (media-events)."""
    from conformance.emulator import EmulatorApp, running_emulator

    media = None
    if receivers is not None:
        from conformance.emulator.player import MediaSettings

        media = MediaSettings(ca_file=receivers.ca_file, verify_tls=receivers.ca_file is not None,
                              allowed_hosts=LOOPBACK_NAMES | {receivers.host}, dtmf=True, mark=True)
    return emulator_target(closer.enter_context(running_emulator(app=EmulatorApp(media=media))))


def embedded_starter(emulator_settings=None):
    """`start_embedded` for an emulator started with these `EmulatorSettings` (its switches), for
    `conformance compare emulator emulator:SWITCHES`; None: the reference emulator."""
    if emulator_settings is None:
        return start_embedded

    def start(closer: contextlib.ExitStack, receivers) -> Target:
        from conformance.emulator import EmulatorApp, running_emulator

        return emulator_target(closer.enter_context(running_emulator(app=EmulatorApp(emulator_settings))))

    return start
