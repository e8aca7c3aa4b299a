"""The API's JSON parser: DRF's, with a too deeply nested body a bad body like any other."""

from rest_framework import exceptions, parsers

TOO_DEEP = "den er indlejret for dybt."


class JSONParser(parsers.JSONParser):
    """Parse JSON; a body nested too deeply for the decoder is a ParseError, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json gives up on deeply nested arrays/objects with RecursionError, not ValueError.
            raise exceptions.ParseError(TOO_DEEP) from None
