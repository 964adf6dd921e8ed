"""The consoles every command writes to, and how wide they draw where the output is no terminal."""

from __future__ import annotations

from rich.console import Console, ConsoleDimensions

# Written to a pipe or a file with no COLUMNS set, rich draws 80 columns wide: a training table wrapped to ~50
# lines in a CI log (walk F11a). There the width is this, which no table of ours needs; they take what they need.
PIPED_WIDTH = 1000
RULE_WIDTH = 100  # a rule fills the width it is given: piped, the demo's section rules are this wide


class _Console(Console):
    """rich's Console, as wide as any table needs when it writes to no terminal and COLUMNS is not set."""

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size, COLUMNS, or PIPED_WIDTH wide to a pipe or file (a fixed width stays as given)."""
        size = super().size
        if self._width is None and not self.is_terminal and not self._environ.get("COLUMNS", "").isdigit():
            return ConsoleDimensions(PIPED_WIDTH, size.height)
        return size

    def rule(self, title="", *, characters="─", style="rule.line", align="center") -> None:
        """A horizontal rule: the console's width at a terminal, RULE_WIDTH where that width is PIPED_WIDTH."""
        from rich.rule import Rule

        width = RULE_WIDTH if self.width == PIPED_WIDTH else None
        self.print(Rule(title, characters=characters, style=style, align=align), width=width)


# Lines are never broken at the console's width: a script grepping for a version or pasting a JSON key entry
# must find it on one line. Tables and panels still fit the width.
console = _Console(soft_wrap=True)
err = _Console(stderr=True, soft_wrap=True)
