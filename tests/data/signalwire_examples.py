"""SignalWire's documented stream messages and callback parameters, quoted as test data.

Source: github.com/signalwire/docs at 668371b217 (2026-08-21),
`fern/products/compatibility-api/pages/cxml/voice/stream.mdx`, sections "Connected message",
"Start message", "Media message", "Stop message", "DTMF message", "Mark message", "`StatusCallback`
parameters" and "StreamError values" (published at
https://signalwire.com/docs/compatibility-api/cxml/reference/voice/stream). The JSON examples are
copied verbatim; only the media payload placeholder stands for real audio. Twilio's page
(https://www.twilio.com/docs/voice/media-streams/websocket-messages) differs where noted, and
SignalWire's wins.
"""

CONNECTED = {
    "event": "connected",
    "protocol": "Call",
    "version": "0.2.0",  # Twilio: "1.0.0"
}

START = {
    "event": "start",
    "sequenceNumber": "1",
    "start": {
        "streamSid": "7d56cc11-536d-4a45-b4fb-ed3d55be843b",
        "accountSid": "b08dacad-2f6c-4de1-93d6-cc732e0c69c5",
        "callSid": "76ac3c36-56da-4a3e-a0d6-b5f8df6da9ad",
        "tracks": [
            "inbound"
        ],
        "customParameters": {},  # "Only present when custom parameters are defined." (the example shows {})
        "mediaFormat": {
            "encoding": "audio/x-L16",
            "sampleRate": 24000,
            "channels": 1
        }
    }
}  # Twilio adds a top-level "streamSid"; SignalWire's table and example have none

MEDIA = {
    "event": "media",
    "sequenceNumber": "42",
    "media": {
        "track": "inbound",
        "chunk": "1",
        "timestamp": "0",
        "payload": "<base64-encoded-audio>"
    }
}  # Twilio adds a top-level "streamSid"

STOP = {
    "event": "stop",
    "sequenceNumber": "999"
}  # Twilio adds "stop": {accountSid, callSid} and "streamSid"

DTMF = {
    "event": "dtmf",
    "sequenceNumber": "123",
    "streamSid": "7d56cc11-536d-4a45-b4fb-ed3d55be843b",  # "Only included for bidirectional streams."
    "dtmf": {
        "digit": "5",
        "duration": 2000
    }
}  # Twilio: dtmf.track "inbound_track", no duration

MARK = {
    "event": "mark",
    "streamSid": "7d56cc11-536d-4a45-b4fb-ed3d55be843b",  # "Only included for bidirectional streams."
    "mark": {
        "name": "my-custom-mark"
    }
}  # Twilio adds "sequenceNumber"

BIDIRECTIONAL_ONLY = {"DTMF": ("streamSid",), "MARK": ("streamSid",)}
"""Fields the documents include "only for bidirectional streams"; a REST conference stream is not one."""

CALLBACK_PARAMETERS = ("AccountSid", "CallSid", "ConferenceSid", "StreamError", "StreamEvent", "StreamName",
                       "StreamSid", "StreamTrack", "Timestamp", "Unique-ID")
"""The ten `<ParamField path=...>` names under "`StatusCallback` parameters", in the page's order."""

STREAM_ERROR_VALUES = ("invalid_url", "missing_url", "invalid_track", "codec_error", "connection_refused",
                       "connection_refused_timeout_or_ssl_error", "general_error", "Duplicated stream ID",
                       "Duplicated stream name")
"""The "Error Value" column of "StreamError values"."""

STREAM_EVENTS = ("stream-started", "stream-stopped", "stream-error")
"""StreamEvent: "One of `stream-started`, `stream-stopped`, or `stream-error`."."""

ERROR_CODES = {
    21220: "A stream cannot be started for a call or conference in the current state",
    20429: "There were too many requests or throughput was exceeded",
}
"""fern/products/compatibility-api/pages/rest-api/core/error-codes.mdx (no HTTP status is given for either)."""
