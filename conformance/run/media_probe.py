"""--media: create streams that point at the suite's receivers, let audio flow, stop, and judge.

Besides every StreamCodec with every Track, the probe creates one stream with nothing but Url and
StatusCallback (the defaults: no Name, Track, codec, parameters or token) and one whose Url nobody
answers (an unused loopback port beside local receivers; behind public receivers, a documentation
address, RFC 5737, that nobody owns), which must report stream-error.
"""

from __future__ import annotations

import secrets
import socket

from conformance.checks import media as verify
from conformance.checks import state
from conformance.contract import media as expected_media
from conformance.media.receivers import HandshakeTally, Receivers
from conformance.records.evidence import MediaDuplicate
from conformance.records.exchange import Expectation, Findings, Judged
from conformance.records.kinds import RequestKind
from strategies import StreamRequest

LISTEN_SECONDS = 0.6
CONNECT_SECONDS = LISTEN_SECONDS + 5
SETTLE_SECONDS = 8.0
UNANSWERED_SECONDS = 30.0
"""How long a real deployment may take to give up on a Url nobody answers (a connect timeout)."""
DUPLICATE_ERROR_SECONDS = 3.0
"""How long the second stream of a duplicate Name has to report stream-error, once its create was answered 200."""
UNANSWERED_PUBLIC_URL = "wss://192.0.2.1/conformance-unanswered"


def _fields(receivers: Receivers, key: str, index: int, codec: str, track: str) -> dict:
    fields = {
        "Url": receivers.media_url(key), "Name": f"media-{index}", "StreamCodec": codec, "Track": track,
        "StatusCallback": receivers.callback_url(key), "StatusCallbackMethod": "GET" if index % 2 else "POST",
        "Parameter1.Name": "call", "Parameter1.Value": f"media-{index}",
        "Parameter2.Name": "codec", "Parameter2.Value": codec,
    }
    if index % 3 != 2:  # some streams without a bearer token: the header must then be absent, not empty
        fields["AuthorizationBearerToken"] = f"bt_media_{secrets.token_hex(12)}"
    return fields


def _unanswered_url(receivers: Receivers) -> str:
    if receivers.media_public_url:
        return UNANSWERED_PUBLIC_URL
    with socket.socket() as sock:  # bound and closed at once: nothing listens there afterwards
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"wss://127.0.0.1:{port}/conformance-unanswered"


def _create(runner, fields: dict, *, unique_name: bool = True, kind: RequestKind = RequestKind.VALID):
    """`kind` PROBE for a create whose right answer is not simply 200 (a duplicate Name, an unanswered Url)."""
    request = StreamRequest(fields=fields)
    case = runner.case_for(request, unique_name=unique_name)
    exchange = runner.send(case, Expectation(kind, (), "probe:media", "a stream to the suite's receiver"))
    return exchange, runner.judge(exchange)


def run_media(runner, receivers: Receivers) -> Findings:
    found, created = Findings(), []
    combos = [(codec, track) for codec in expected_media.FORMATS for track in expected_media.TRACKS]
    # a codec outside stream.mdx's Supported codecs may be refused at create: a probe, not a must-accept request
    plans = [(f"{runner.run_tag}-m{i}", _fields(receivers, f"{runner.run_tag}-m{i}", i, codec, track),
              RequestKind.VALID if codec in expected_media.SUPPORTED_CODECS else RequestKind.PROBE)
             for i, (codec, track) in enumerate(combos)]
    defaults = f"{runner.run_tag}-mdefaults"
    plans.append((defaults, {"Url": receivers.media_url(defaults), "StatusCallback": receivers.callback_url(defaults)},
                  RequestKind.VALID))
    unanswered = f"{runner.run_tag}-munanswered"
    plans.append((unanswered, {"Url": _unanswered_url(receivers), "StatusCallback": receivers.callback_url(unanswered),
                               "Name": "unanswered"}, RequestKind.PROBE))
    for key, fields, kind in plans:
        exchange, judged = _create(runner, fields, kind=kind)
        found.judged.append(judged)
        if exchange.created_sid:
            created.append((key, exchange))
        elif key == unanswered:
            found.notes.append(f"media-unreachable: the create of a stream to a Url nobody answers was refused "
                                f"(HTTP {exchange.status}), which the rule allows")
        elif note := verify.refused_create_note(fields, exchange.status):
            found.notes.append(f"media: stream {fields.get('Name') or key}: {note}")
    if receivers.ca_file and not runner.target.is_emulator:
        found.notes.append(f"media: the wss receiver's certificate came from the suite's CA {receivers.ca_file}")
    streaming = [(k, ex) for k, ex in created if k != unanswered]
    enough = 2 + LISTEN_SECONDS * 25  # connected, start, and 0.6 s of 20 ms chunks
    receivers.wait(lambda: all(_received(receivers, k) >= enough or _errored(receivers, k) for k, _ in streaming),
                   timeout=CONNECT_SECONDS)
    for _, exchange in streaming:
        runner.stop_stream(runner.target.account_sid, runner.target.conference_sid, exchange.created_sid)
    settle = UNANSWERED_SECONDS if receivers.media_public_url else SETTLE_SECONDS
    receivers.wait(lambda: all(_settled(receivers, k, k == unanswered) for k, _ in created), timeout=settle)
    for key, exchange in created:
        delivery = verify.Delivery(exchange.created_sid, runner.target.account_sid, exchange.sent_fields,
                                   receivers.sessions.get(key), receivers.callbacks.get(key, []),
                                   conference_sid=exchange.path_parameters.get("ConferenceSid"),
                                   unanswered=key == unanswered)
        outcomes = verify.evaluate(delivery)
        if refusal := verify.codec_refusal(delivery):
            found.notes.append(f"media: stream {delivery.fields.get('Name') or delivery.sid}: {refusal}")
        elif delivery.session is None and key != unanswered:
            outcomes = _never_connected(found, receivers, delivery, outcomes)
        found.judged.append(Judged(exchange, tuple(outcomes), counted=False))
        found.observations.extend(verify.observations(delivery))
        if key != unanswered:
            samples = verify.decoded(delivery)[:800]
            if samples:
                found.waveforms.setdefault(delivery.codec, samples)
        else:
            runner.stop_stream(runner.target.account_sid, runner.target.conference_sid, exchange.created_sid)
    found.judged.extend(_duplicate_name(runner, receivers))
    return found


def _never_connected(found: Findings, receivers: Receivers, d: verify.Delivery, outcomes: list) -> list:
    """A stream that never reached the receiver: one line naming what was expected (the run's notes),
    and every media rule failed with that reason, since none of them could be observed."""
    bearer = "no Authorization header: no token sent"
    if d.fields.get("AuthorizationBearerToken"):
        bearer = "Authorization: Bearer <its AuthorizationBearerToken>"
    expected = f"a WebSocket connection to {d.fields['Url']} ({receivers.tls_description()}; {bearer})"
    seen = f"at the receiver: {handshake_summary(receivers.tls, serves_tls=receivers.serves_tls)}"
    track = d.fields.get("Track") or expected_media.DEFAULT_TRACK
    found.notes.append(f"media: stream {d.fields.get('Name') or d.sid} ({d.codec}, {track}) never connected to "
                        f"{d.fields['Url']} ({receivers.tls_description()}; {bearer}) within "
                        f"{CONNECT_SECONDS:.0f} s; {seen}")
    return verify.never_connected(outcomes, expected, f"none within {CONNECT_SECONDS:.0f} s; {seen}", seen)


_TLS_REASONS = {
    "TLSV1_ALERT_UNKNOWN_CA": "the target does not trust the certificate's CA",
    "SSLV3_ALERT_BAD_CERTIFICATE": "the target rejected the certificate",
    "SSLV3_ALERT_CERTIFICATE_UNKNOWN": "the target rejected the certificate",
    "TLSV1_ALERT_ACCESS_DENIED": "the target rejected the certificate",
    "HTTP_REQUEST": "the target spoke plain HTTP (ws://) to the wss:// port",
    "WRONG_VERSION_NUMBER": "the target did not speak TLS",
    "UNSUPPORTED_PROTOCOL": "no TLS version in common",
    "NO_SHARED_CIPHER": "no TLS cipher in common",
}


def handshake_summary(tally: HandshakeTally, *, serves_tls: bool) -> str:
    """What the receiver saw of TLS, in words: why a target may not have reached it."""
    if not serves_tls:
        return "no connection arrived from your TLS terminator"
    if not tally.started:
        return "no connection arrived"
    parts = []
    for reason in dict.fromkeys(tally.failures):
        count = tally.failures.count(reason)
        parts.append(f"{count} TLS handshake(s) failed, {_TLS_REASONS.get(reason, 'a TLS error')} ({reason})")
    if tally.abandoned > 0:
        parts.append(f"{tally.abandoned} TLS handshake(s) failed, closed unfinished by the target (as a client "
                     "that does not trust the certificate does)")
    if not parts:
        return f"{tally.completed} TLS handshake(s) completed, but no WebSocket upgrade for this stream's path"
    return "; ".join(parts)


def _received(receivers: Receivers, key: str) -> int:
    session = receivers.sessions.get(key)
    return len(session.messages) if session is not None else 0


def _errored(receivers: Receivers, key: str) -> bool:
    """The target reported stream-error: it gave up on this stream, and waiting longer shows nothing."""
    return any(c.params.get("StreamEvent") == "stream-error" for c in receivers.callbacks.get(key, []))


def _settled(receivers: Receivers, key: str, unanswered: bool) -> bool:
    if unanswered:
        return _errored(receivers, key)
    session = receivers.sessions.get(key)
    if session is None:  # it never connected in the connect wait: every media rule fails on that already
        return True
    events = {c.params.get("StreamEvent") for c in receivers.callbacks.get(key, [])}
    return session.closed and "stream-stopped" in events


def _duplicate_name(runner, receivers: Receivers) -> list[Judged]:
    """With --media a duplicate Name is a MUST: rejected at create, or the second stream's stream-error."""
    name = f"{runner.run_tag}-media-dup"
    keys = [f"{runner.run_tag}-dup{i}" for i in (1, 2)]
    first, judged_first = _create(runner, {**_fields(receivers, keys[0], 0, "PCMU", "inbound_track"), "Name": name},
                                  unique_name=False)
    if not first.created_sid:
        return [judged_first]
    second, judged_second = _create(runner, {**_fields(receivers, keys[1], 0, "PCMU", "inbound_track"),
                                             "Name": name}, unique_name=False, kind=RequestKind.PROBE)
    errored = second.status == 200 and receivers.wait(lambda: _errored(receivers, keys[1]),
                                                      timeout=DUPLICATE_ERROR_SECONDS)
    outcome = state.media_duplicate_name(MediaDuplicate(second, bool(errored)))
    judged = [judged_first, judged_second, Judged(second, (("media-duplicate-name", outcome),), counted=False)]
    for exchange in (first, second):
        if exchange.created_sid:
            runner.stop_stream(runner.target.account_sid, runner.target.conference_sid, exchange.created_sid)
    return judged
