"""A visitor who plays the default page without a browser: Streamlit's own websocket protocol.

``benchmarks/load.py`` measures a class with real browsers, but on a small machine K
Chromiums drawing 20 frames a second each take the cores the server needs, and the figures
then measure the browsers. A ``ProtocolPlayer`` sends the server exactly what a browser's
Streamlit client sends while its visitor plays, and draws nothing:

1. it opens ``/_stcore/stream`` (subprotocol ``streamlit``, the page's Origin) and asks for a
   first run (a ``rerun_script`` BackMsg), as a page load does;
2. it clicks Play: a rerun whose widget states carry the Play button's trigger (the button's
   id and its fragment are read from the deltas the server sent, as the client reads them);
3. it honours ``auto_rerun`` messages: every ``interval`` seconds it asks for a rerun of that
   fragment (``is_auto_rerun``), as the client's timer does, until ``stop_auto_rerun``;
4. it reports the message hashes it already holds (``cached_message_hashes``), so that the
   server may send references instead of repeated messages, as it does to a browser.

It counts what a visitor would read: the Iteration counter (``st.metric``) the server last
sent, and the messages and bytes received. The server's work per player is that of a browser
visitor's (the same reruns, frames and messages); only the drawing is missing.
"""
from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

#: Larger than any message the page sends (Streamlit's own limit is 200 MB by default).
MAX_MESSAGE_BYTES = 256 * 1024 * 1024


@dataclass
class PlayerRecord:
    """What one protocol player saw: (seconds since start, iteration) pairs and the traffic."""

    iterations: list[tuple[float, int]] = field(default_factory=list)
    messages: int = 0
    bytes: int = 0
    error: str | None = None

    def rate(self, since: float, until: float) -> float | None:
        """Iterations per second between two times (seconds since the player started)."""
        inside = [(t, i) for t, i in self.iterations if since <= t <= until]
        if len(inside) < 2 or inside[-1][0] == inside[0][0]:
            return None
        return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])


class ProtocolPlayer:
    """One playing visitor on ``url`` (``http://host:port``), until ``stop`` is set."""

    def __init__(self, url: str, query: str = "") -> None:
        parsed = urlparse(url)
        self.origin = f"{parsed.scheme}://{parsed.netloc}"
        self.stream = f"ws://{parsed.netloc}{parsed.path.rstrip('/')}/_stcore/stream"
        self.query = query.lstrip("?")
        self.record = PlayerRecord()
        self.hashes: set[str] = set()
        self.play: tuple[str, str] | None = None        # the Play button's (widget id, fragment id)
        self.timers: dict[str, asyncio.Task] = {}       # fragment id -> its auto-rerun loop
        self.started = time.monotonic()

    def _rerun(self, fragment_id: str = "", trigger: str | None = None, auto: bool = False) -> bytes:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        state.cached_message_hashes.extend(sorted(self.hashes))
        if trigger:
            state.widget_states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        return message.SerializeToString()

    def _read(self, message: ForwardMsg) -> None:
        """Note what a client notes: cacheable hashes, the Play button, the Iteration counter."""
        if message.hash and message.metadata.cacheable:
            self.hashes.add(message.hash)
        if message.WhichOneof("type") != "delta" or not message.delta.HasField("new_element"):
            return
        element = message.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "button" and element.button.label == "Play" and not element.button.disabled:
            self.play = (element.button.id, message.delta.fragment_id)
        elif kind == "metric" and element.metric.label == "Iteration":
            self.record.iterations.append((time.monotonic() - self.started,
                                           int(element.metric.body.replace(",", ""))))

    async def _auto_rerun(self, socket, fragment_id: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await socket.send(self._rerun(fragment_id, auto=True))

    async def run(self, stop: asyncio.Event) -> None:
        async with websockets.connect(self.stream, subprotocols=["streamlit"], origin=self.origin,
                                      max_size=MAX_MESSAGE_BYTES) as socket:
            await socket.send(self._rerun())
            clicked = False
            reader = asyncio.ensure_future(socket.recv())
            stopper = asyncio.ensure_future(stop.wait())
            try:
                while not stop.is_set():
                    done, _ = await asyncio.wait({reader, stopper}, return_when=asyncio.FIRST_COMPLETED)
                    if reader not in done:
                        break
                    data = reader.result()
                    reader = asyncio.ensure_future(socket.recv())
                    message = ForwardMsg()
                    message.ParseFromString(data)
                    self.record.messages += 1
                    self.record.bytes += len(data)
                    self._read(message)
                    kind = message.WhichOneof("type")
                    if kind == "script_finished" and not clicked and self.play:
                        clicked = True
                        widget_id, fragment_id = self.play
                        await socket.send(self._rerun(fragment_id, trigger=widget_id))
                    elif kind == "auto_rerun":
                        fragment_id = message.auto_rerun.fragment_id
                        if fragment_id in self.timers:
                            self.timers[fragment_id].cancel()
                        self.timers[fragment_id] = asyncio.ensure_future(
                            self._auto_rerun(socket, fragment_id, message.auto_rerun.interval))
                    elif kind == "stop_auto_rerun":
                        for fragment_id in message.stop_auto_rerun.fragment_ids:
                            timer = self.timers.pop(fragment_id, None)
                            if timer:
                                timer.cancel()
            finally:
                for task in [reader, stopper, *self.timers.values()]:
                    task.cancel()


class ProtocolClass:
    """``count`` protocol players on their own event loop in a background thread.

    ``start()`` connects them all; ``records`` holds what each saw; ``stop()`` disconnects them.
    """

    def __init__(self, url: str, count: int, query: str = "") -> None:
        self.players = [ProtocolPlayer(url, query) for _ in range(count)]
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.stop_event = asyncio.Event()      # bound to the loop when first awaited there
        self.future = None

    @property
    def records(self) -> list[PlayerRecord]:
        return [player.record for player in self.players]

    def seconds(self) -> float:
        """Seconds since the players started (the time base of their records)."""
        return time.monotonic() - self.players[0].started

    def start(self) -> None:
        self.thread.start()

        async def everyone() -> None:
            results = await asyncio.gather(*(player.run(self.stop_event) for player in self.players),
                                           return_exceptions=True)
            for player, result in zip(self.players, results):
                if isinstance(result, BaseException):
                    player.record.error = f"{type(result).__name__}: {result}"

        self.future = asyncio.run_coroutine_threadsafe(everyone(), self.loop)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.stop_event.set)
        if self.future is not None:
            self.future.result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
