"""A short description of the browser and system a User-Agent names ("Chrome on Windows"), for
a person to recognise their own sessions. Deliberately rough: it is a reminder, not evidence
(anyone can send any User-Agent), so a small table beats a parser library with its own
release cycle."""

import re

# First match wins: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = [
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\b(OPR|Opera)/")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\b(Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(HeadlessChrome|Chrome|CriOS|Chromium)/")),
    ("Safari", re.compile(r"\bVersion/[\d.]+.*\bSafari/")),
    ("Internet Explorer", re.compile(r"\b(MSIE |Trident/)")),
]
_SYSTEMS = [
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Mac", re.compile(r"\bMacintosh\b|\bMac OS X\b")),
    ("Linux", re.compile(r"\bLinux\b")),
]


def _first(table: list[tuple[str, re.Pattern[str]]], text: str) -> str:
    return next((name for name, pattern in table if pattern.search(text)), "")


def device_description(user_agent: str) -> str:
    """ "Chrome on Windows", "Safari on iPhone", "Firefox", or "Unknown browser"."""
    text = (user_agent or "")[:1000]
    browser, system = _first(_BROWSERS, text), _first(_SYSTEMS, text)
    if browser and system:
        return f"{browser} on {system}"
    if browser:
        return browser
    if system:
        return f"A browser on {system}"
    return "Unknown browser"
