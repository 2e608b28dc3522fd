"""Chinese text machinery shared by every app.

- ``convert``: 简/繁 conversion (OpenCC), one converter per configuration per process.
- ``decode``: bytes of unknown encoding to text, or a clear refusal (never mojibake).
- ``restore``: repair of legacy text damaged by spam mirrors (traditional + pinyin).
- ``pinyin``: ruby markup for the 拼音 reading mode.
- ``pii``: personal-data detection and masking before publishing.
- ``extract``: plain text from attachments, for search and the personal-data check.
"""
