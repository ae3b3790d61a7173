"""The footer of the live keys, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """Textual's footer rebuilds all its keys after every change of focus or bindings, several times while a screen
    is put together; each key it mounts is styled twice. This one rebuilds once for a burst of changes, and not at
    all when the keys it would show are the ones it shows.

    `held`: no keys until `release`, for a screen that is put together in steps and knows when its keys are final
    (built while the screen had no focus yet, they were built again, and drawn twice, once it had)."""

    def __init__(self, *args: Any, held: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held = held
        self._rebuild_pending = False
        self._shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self._held:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def release(self) -> None:
        """Show the screen's keys now, and follow them from here on (once held; nothing to do after)."""
        if not self._held:
            return
        self._held = False
        self._bindings_ready = True
        with self._context():  # composed as in its own message loop: each key binds its data to this footer
            await self._rebuild()

    def compose(self) -> ComposeResult:
        """Footer's keys (tmtui's have no groups), each made in the footer's style: Footer makes them compact and
        then binds them to its own style, which styled every key once more while it was mounted."""
        if not self._bindings_ready:
            return
        shown: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show:
                shown.setdefault(binding.action, (binding, enabled, tooltip))
        for binding, enabled, tooltip in shown.values():
            key = FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            )
            key.set_reactive(FooterKey.compact, self.compact)
            yield key
        palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE and palette is not None:
            _, binding, enabled, _ = palette
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )

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
