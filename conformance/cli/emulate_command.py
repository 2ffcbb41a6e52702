"""`conformance emulate`: serve the reference emulator in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import tempfile
from pathlib import Path

from conformance.common.tls import make_tls_files
from conformance.emulator import EmulatorApp, EmulatorSettings
from conformance.emulator.server import bind_socket, describe, serve_forever

from .options import UsageError


def emulate(values: dict, *, tls: bool, media: bool = False, media_ca_file: str | None = None,
            dtmf: bool = False, mark: bool = False, media_verify_tls: bool = False, switches: str | None = None) -> int:
    given = {k: v for k, v in (("project_id", values["project_id"]), ("api_token", values["api_token"])) if v}
    if values["conference_sid"]:
        given["conference_sids"] = tuple(values["conference_sid"])
    if values.get("conference_not_in_progress"):
        given["idle_conference_sids"] = tuple(values["conference_not_in_progress"])
    if values.get("throttle") is not None:
        given["throttle"] = values["throttle"]
    if values.get("unavailable") is not None:
        given["unavailable"] = values["unavailable"]
    codecs = values.get("unsupported_codecs") or "stream"
    if codecs != "stream" and not media:
        raise UsageError("--unsupported-codecs goes with --media (it decides what a stream does)")
    if switches:  # differ from the reference on purpose (`conformance compare` against a config target)
        from .switches import switch_values

        given.update(switch_values(switches, "--switches"))
    try:
        settings = EmulatorSettings(**given)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        sock = bind_socket(values["host"], values["port"])
    except OSError as exc:
        raise UsageError(f"cannot listen on {values['host']}:{values['port']}: {exc.strerror or exc}") from None
    with tempfile.TemporaryDirectory(prefix="emulator-tls-") as tmp:
        tls_files = make_tls_files(Path(tmp)) if tls else None
        media_settings = None
        if media:
            from conformance.emulator.player import MediaSettings

            media_settings = MediaSettings(ca_file=media_ca_file, dtmf=dtmf, mark=mark, verify_tls=media_verify_tls,
                                           unsupported_codecs=codecs)
        app = EmulatorApp(settings, media=media_settings)
        running = describe(sock, app, tls_files)
        token_line = running.api_token if "api_token" not in given else "(the one you gave)"
        lines = [
            f"emulator listening on {running.base_url}",
            f"  project id (AccountSid): {running.project_id}",
            f"  API token:               {token_line}",
            f"  conference sids:         {' '.join(running.conference_sids)}",
        ]
        if running.scopeless_token:  # generated, like the token: for --scopeless-token (token-scope)
            lines.append(f"  token without Voice:     {running.scopeless_token}")
        if settings.idle_conference_sids:
            lines.append(f"  not in progress (21220): {' '.join(settings.idle_conference_sids)}")
        if settings.throttle is not None:
            lines.append(f"  throttled (429, 20429):  beyond {settings.throttle.count} requests per "
                         f"{settings.throttle.period:g} s")
        if settings.unavailable is not None:
            shown = "every create" if settings.unavailable.always else f"one create in {settings.unavailable.every}"
            lines.append(f"  unavailable (503):       {shown}")
        if media and codecs == "error":
            lines.append("  unsupported codecs:      PCMA and plain L16 report stream-error codec_error")
        if switches:
            lines.append(f"  switches:                {switches}")
        if tls_files:
            lines.append(f"  CA certificate:          {tls_files.ca_file}  (trust it: --ca-file / REQUESTS_CA_BUNDLE)")
        if media:
            checked = (f"checked against {media_ca_file}" if media_ca_file else
                       "checked (default trust store; SSL_CERT_FILE)" if media_verify_tls else "not checked")
            lines.append("  media:                   streams to loopback wss:// Urls, callbacks to loopback hosts; "
                         f"certificates {checked}")
        lines.append("press Ctrl-C to stop")
        print("\n".join(lines), flush=True)
        serve_forever(sock, app, tls_files)
    return 0
