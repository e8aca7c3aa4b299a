"""The API's JSON parser: DRF's, with a too deeply nested body a bad body like any other, and
text that cannot be stored or answered (NUL, a lone surrogate) a 400 naming its field."""

from rest_framework import exceptions, parsers

from ..text import FORBIDDEN_CHARACTER_ERROR, forbidden_character_path

TOO_DEEP = "den er indlejret for dybt."


class JSONParser(parsers.JSONParser):
    """Parse JSON; a body nested too deeply for the decoder is a ParseError, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json gives up on deeply nested arrays/objects with RecursionError, not ValueError.
            raise exceptions.ParseError(TOO_DEEP) from None
        if (path := forbidden_character_path(data)) is not None:
            # Raised from the parser, DRF hands it to the view's error handling as a 400.
            raise exceptions.ValidationError({path: [FORBIDDEN_CHARACTER_ERROR]})
        return data
