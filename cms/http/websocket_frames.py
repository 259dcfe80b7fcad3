"""WebSocket messages as text frames.

The GraphQL over WebSocket protocol (`graphql-transport-ws`) carries JSON text; our
JSON encoder (orjson) returns bytes, which Strawberry would send as binary frames,
and browsers' `graphql-ws` client (GraphiQL's) refuses those ("Message is missing the
'type' property").
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected


class TextWebSocketAdapter(ASGIWebSocketAdapter):
    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(self.view.encode_json_string(message))
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc
