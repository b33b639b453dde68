"""The start-up floor for `bench/lsp_bench.py`: a pygls language server with no features, on stdio.

It pays for what every pygls server pays for (the interpreter, pygls, lsprotocol and its
converters) and nothing else, so ``flash-schema lsp`` minus this is our own start-up cost.
"""

from pygls.lsp.server import LanguageServer

if __name__ == "__main__":
    LanguageServer("bare-pygls", "0").start_io()
