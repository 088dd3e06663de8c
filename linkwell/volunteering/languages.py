"""Languages a volunteer may speak: ISO 639-1 codes (stored) and their English names (shown).

The languages most spoken in England and Wales (ONS Census 2021, main language) and the UK's
own; the form offers them by name, the record and the volunteer profile keep the codes."""

from __future__ import annotations

LANGUAGES: dict[str, str] = {
    "en": "English",
    "cy": "Welsh",
    "gd": "Scottish Gaelic",
    "ga": "Irish",
    "kw": "Cornish",
    "pl": "Polish",
    "ro": "Romanian",
    "pa": "Punjabi",
    "ur": "Urdu",
    "pt": "Portuguese",
    "es": "Spanish",
    "ar": "Arabic",
    "bn": "Bengali",
    "gu": "Gujarati",
    "it": "Italian",
    "zh": "Chinese",
    "lt": "Lithuanian",
    "fr": "French",
    "de": "German",
    "tr": "Turkish",
    "ta": "Tamil",
    "bg": "Bulgarian",
    "fa": "Persian (Farsi)",
    "so": "Somali",
    "ru": "Russian",
    "uk": "Ukrainian",
    "hi": "Hindi",
    "lv": "Latvian",
    "hu": "Hungarian",
    "el": "Greek",
    "ps": "Pashto",
    "ku": "Kurdish",
    "ne": "Nepali",
    "ti": "Tigrinya",
    "sq": "Albanian",
    "sk": "Slovak",
    "cs": "Czech",
    "ml": "Malayalam",
    "tl": "Tagalog",
    "vi": "Vietnamese",
    "yo": "Yoruba",
    "sw": "Swahili",
}

LANGUAGE_CHOICES: list[tuple[str, str]] = sorted(LANGUAGES.items(), key=lambda kv: kv[1])


def language_names(codes: list[str]) -> list[str]:
    return [LANGUAGES.get(c, c) for c in codes]
