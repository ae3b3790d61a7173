"""The footer of the live keys, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's footer rebuilds all its keys after every change of focus or bindings, several times while a screen
    is put together; each key it mounts is styled twice. This one rebuilds once for a burst of changes, and not at
    all when the keys it would show are the ones it shows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rebuild_pending = False
        self._shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    def _keys(self) -> tuple[object, ...]:
        """What `compose` reads: the shown bindings (and the palette's), whether each is enabled, their tooltips."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (key, binding.action, binding.description, binding.group, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:  # its screen was closed since
            return
        keys = self._keys()
        if keys != self._shown:
            self._shown = keys
            await self.recompose()
