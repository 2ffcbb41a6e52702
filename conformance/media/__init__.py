"""The suite's media receivers: its own WebSocket server and status-callback server."""
