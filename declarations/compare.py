"""What changed between two versions of a policy, as a reader sees it.

The comparison is of the text people read (the sanitised HTML, as paragraphs, headings, list
items and table cells), not of the Markdown behind it: a reader re-signing after a material
change wants to see the words that changed, not the formatting marks. Blocks are matched first;
a block that changed is then compared word by word.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from html.parser import HTMLParser
from typing import Literal

Change = Literal["same", "added", "removed", "changed"]
Mark = Literal["same", "added", "removed"]

# Each of these starts a block of its own; their text is compared as one piece.
_BLOCK_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "pre"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Unchanged blocks kept either side of a change, so a change is read in its place.
CONTEXT = 1
# How alike two blocks in the same place must be to be shown as one block edited.
SIMILAR = 0.5


@dataclass(frozen=True)
class Segment:
    mark: Mark
    text: str


@dataclass(frozen=True)
class Block:
    change: Change
    is_heading: bool
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Skipped:
    """A run of unchanged blocks left out of the short view."""

    count: int


@dataclass
class Comparison:
    blocks: list[Block] = field(default_factory=list)

    def count(self, change: Change) -> int:
        return sum(1 for block in self.blocks if block.change == change)

    @property
    def has_changes(self) -> bool:
        return any(block.change != "same" for block in self.blocks)

    def short(self) -> list[Block | Skipped]:
        """The changes with CONTEXT unchanged blocks either side; longer runs of unchanged
        blocks become one Skipped each."""
        keep: set[int] = set()
        for i, block in enumerate(self.blocks):
            if block.change != "same":
                keep.update(range(i - CONTEXT, i + CONTEXT + 1))
        shown: list[Block | Skipped] = []
        run = 0
        for i, block in enumerate(self.blocks):
            if i in keep:
                if run:
                    shown.append(Skipped(run))
                    run = 0
                shown.append(block)
            else:
                run += 1
        if run:
            shown.append(Skipped(run))
        return shown


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self._tag = "p"
        self._text: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.blocks.append((self._tag, text))
        self._text = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
            self._tag = tag
        elif tag == "br":
            self._text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
            self._tag = "p"

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def text_blocks(html: str) -> list[tuple[str, str]]:
    """(tag, text) for each block of the HTML, whitespace made single."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.blocks


def _words(text: str) -> list[str]:
    # Words, the spaces between them and each mark of punctuation apart, so "staff." and
    # "staff and" share "staff".
    return re.findall(r"\s+|\w+|[^\w\s]", text)


def _word_segments(old: str, new: str) -> tuple[Segment, ...]:
    before, after = _words(old), _words(new)
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(Segment("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("removed", "".join(before[i1:i2])))
        if j2 > j1:
            segments.append(Segment("added", "".join(after[j1:j2])))
    return tuple(segments)


def _alike(old: str, new: str) -> bool:
    """Whether two blocks share at least half their words (so one is an edit of the other)."""
    return SequenceMatcher(None, _words(old), _words(new), autojunk=False).ratio() >= SIMILAR


def _whole(tag: str, text: str, change: Change) -> Block:
    mark: Mark = "same" if change == "same" else change  # type: ignore[assignment]
    return Block(change, tag in _HEADINGS, (Segment(mark, text),))


def compare_html(old_html: str, new_html: str) -> Comparison:
    """Compare two versions' HTML, older first."""
    old, new = text_blocks(old_html), text_blocks(new_html)
    comparison = Comparison()
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            comparison.blocks.extend(_whole(tag, text, "same") for tag, text in new[j1:j2])
        elif op == "delete":
            comparison.blocks.extend(_whole(tag, text, "removed") for tag, text in old[i1:i2])
        elif op == "insert":
            comparison.blocks.extend(_whole(tag, text, "added") for tag, text in new[j1:j2])
        else:
            # Pair the changed blocks in order; what is left over was removed or added.
            pairs = min(i2 - i1, j2 - j1)
            for (old_tag, before), (tag, after) in zip(
                old[i1 : i1 + pairs], new[j1 : j1 + pairs], strict=True
            ):
                if _alike(before, after):
                    comparison.blocks.append(
                        Block("changed", tag in _HEADINGS, _word_segments(before, after))
                    )
                else:
                    # Nothing much in common: a word-by-word view would only be noise.
                    comparison.blocks.append(_whole(old_tag, before, "removed"))
                    comparison.blocks.append(_whole(tag, after, "added"))
            comparison.blocks.extend(
                _whole(tag, text, "removed") for tag, text in old[i1 + pairs : i2]
            )
            comparison.blocks.extend(
                _whole(tag, text, "added") for tag, text in new[j1 + pairs : j2]
            )
    return comparison
